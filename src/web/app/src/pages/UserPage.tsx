import { getUser, userName } from '../api/people';
import { Badge, ErrorNotice, Loading, formatTime } from '../components/ui';
import { Link } from '../router';
import { useAsync } from '../hooks';

/** One user: the platform fields, the directory's own attributes, groups, history and credentials. */
export function UserPage(props: { userId: string }) {
  const user = useAsync(() => getUser(props.userId), [props.userId]);
  if (user.error) return <ErrorNotice error={user.error} onRetry={user.reload} />;
  if (!user.data) return <Loading />;
  const u = user.data;
  const credentialEvents = u.events.filter((e) => e.type.startsWith('credential.'));
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
      <h2>Directory sources</h2>
      {u.sources.length === 0 && <p className="muted">A local user: no directory owns it.</p>}
      {u.sources.map((source) => (
        <details key={source.connectionId} className="card" open={u.sources.length === 1}>
          <summary>
            {source.connectionName} ({source.kind}) · {source.active ? 'enabled' : 'disabled'} in the
            directory · updated {formatTime(source.updatedAt)}
          </summary>
          <pre className="json">{JSON.stringify(source.attributes, null, 2)}</pre>
        </details>
      ))}
      <h2>Credentials</h2>
      {/* The REST API has no credentials route yet; their events tell what was issued and revoked. */}
      {credentialEvents.length > 0 ? (
        <ul>
          {credentialEvents.map((e) => (
            <li key={e.id}>
              <time dateTime={e.occurredAt}>{formatTime(e.occurredAt)}</time> {e.type}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No credentials issued.</p>
      )}
      <h2>History</h2>
      {u.history.length > 0 || u.events.length > 0 ? (
        <ol className="history">
          {u.history.map((h) => (
            <li key={h.id}>
              <time dateTime={h.occurredAt}>{formatTime(h.occurredAt)}</time> {h.action}
              <span className="muted"> by {h.actor.type}</span>
            </li>
          ))}
          {u.events.map((e) => (
            <li key={e.id}>
              <time dateTime={e.occurredAt}>{formatTime(e.occurredAt)}</time> {e.type}
              <span className="muted"> (event)</span>
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">No history yet.</p>
      )}
    </section>
  );
}
