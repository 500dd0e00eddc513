import { getGroup, listGroupMembers, userName } from '../api/people';
import { Badge, ErrorNotice, Loading, formatCount, Pager } from '../components/ui';
import { Link } from '../router';
import { useAsync, useCursorPages } from '../hooks';

/** One group and its members, a page at a time. */
export function GroupPage(props: { groupId: string }) {
  const group = useAsync(() => getGroup(props.groupId), [props.groupId]);
  const pages = useCursorPages();
  const members = useAsync(
    () => listGroupMembers(props.groupId, { cursor: pages.cursor, limit: 50 }),
    [props.groupId, pages.cursor],
  );
  return (
    <section>
      <p>
        <Link to="/groups">← Groups</Link>
      </p>
      <ErrorNotice
        error={group.error ?? members.error}
        onRetry={() => {
          group.reload();
          members.reload();
        }}
      />
      {group.data && (
        <>
          <h1>{group.data.displayName}</h1>
          <p className="muted">
            {formatCount(group.data.memberCount)} members · source {group.data.source}
          </p>
        </>
      )}
      {!members.data && !members.error && <Loading />}
      {members.data && (
        <ul className="members">
          {members.data.data.map((user) => (
            <li key={user.id}>
              <Link to={`/users/${user.id}`}>{userName(user)}</Link>{' '}
              <span className="muted">{user.email}</span> <Badge value={user.status} />
            </li>
          ))}
          {members.data.data.length === 0 && <li className="muted">No members.</li>}
        </ul>
      )}
      <Pager
        label="Members"
        hasPrevious={pages.hasPrevious}
        nextCursor={members.data?.nextCursor}
        onPrevious={pages.previous}
        onNext={pages.next}
      />
    </section>
  );
}
