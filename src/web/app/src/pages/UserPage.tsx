import { getUser, userName } from '../api/people';
import { Badge, ErrorNotice, Loading, formatTime } from '../components/ui';
import { Link } from '../router';
import { useAsync } from '../use-async';

/** One user: the platform fields, the directory's own attributes, groups, history and credentials. */
export function UserPage(props: { userId: string }) {
  const user = useAsync(() => getUser(props.userId), [props.userId]);
  if (user.error) return <ErrorNotice error={user.error} />;
  if (!user.data) return <Loading />;
  const u = user.data;
  const fields: [string, string][] = [
    ['Email', u.email],
    ['User name', u.userName],
    ['Given name', u.givenName],
    ['Family name', u.familyName],
    ['Source', u.connectionId ? `${u.source} (connection ${u.connectionId})` : u.source],
    ['Entra object id', u.externalId ?? '—'],
    ['Roles', u.roles.join(', ') || '—'],
    ['Created', formatTime(u.createdAt)],
    ['Updated', formatTime(u.updatedAt)],
    ...Object.entries(u.attributes),
  ];
  return (
    <section>
      <p>
        <Link to="/users">← Users</Link>
      </p>
      <h1>
        {userName(u)} <Badge value={u.status} />
      </h1>
      {u.source !== 'local' && (
        <p className="muted">
          This user comes from the directory; its directory-owned fields can only change there.
        </p>
      )}
      <dl className="facts">
        {fields.map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <h2>Groups</h2>
      <ul>
        {(u.groups ?? []).map((g) => (
          <li key={g.id}>
            <Link to={`/groups/${g.id}`}>{g.displayName}</Link>
          </li>
        ))}
        {(u.groups ?? []).length === 0 && <li className="muted">No groups</li>}
      </ul>
      <h2>Source attributes</h2>
      {u.sourceAttributes ? (
        <pre className="json">{JSON.stringify(u.sourceAttributes, null, 2)}</pre>
      ) : (
        <p className="muted">None recorded.</p>
      )}
      <h2>Credentials</h2>
      {u.credentials && u.credentials.length > 0 ? (
        <ul>
          {u.credentials.map((c) => (
            <li key={c.id}>
              {c.type} — <Badge value={c.status} /> since {formatTime(c.createdAt)}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No credentials.</p>
      )}
      <h2>History</h2>
      {u.history && u.history.length > 0 ? (
        <ol className="history">
          {u.history.map((h, i) => (
            <li key={i}>
              <time dateTime={h.occurredAt}>{formatTime(h.occurredAt)}</time> {h.action ?? h.type}
              {h.actor && <span className="muted"> by {h.actor.type}</span>}
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">No history yet.</p>
      )}
    </section>
  );
}
