import { useState } from 'react';
import { listGroups } from '../api/people';
import { ErrorNotice, Field, Loading, formatCount, Pager } from '../components/ui';
import { Link } from '../router';
import { useAsync, useCursorPages, useDebounced } from '../hooks';

/** Groups with their member counts (kept as a column, so a 100,000-member group costs one row). */
export function GroupsPage() {
  const [search, setSearch] = useState('');
  const pages = useCursorPages();
  const query = useDebounced(search.trim());
  const groups = useAsync(
    () => listGroups({ search: query, cursor: pages.cursor, limit: 50 }),
    [query, pages.cursor],
  );
  return (
    <section>
      <h1>Groups</h1>
      <div className="filters" role="search">
        <Field
          label="Search"
          type="search"
          value={search}
          placeholder="Group name"
          onChange={(e) => {
            setSearch(e.target.value);
            pages.reset();
          }}
        />
      </div>
      <ErrorNotice error={groups.error} />
      {groups.loading && !groups.data && <Loading />}
      {groups.data && (
        <div className="table-wrap">
          <table aria-busy={groups.loading}>
            <caption className="visually-hidden">Groups</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col" className="num">
                  Members
                </th>
                <th scope="col">Source</th>
              </tr>
            </thead>
            <tbody>
              {groups.data.data.map((group) => (
                <tr key={group.id} data-group={group.displayName}>
                  <td data-label="Name">
                    <Link to={`/groups/${group.id}`}>{group.displayName}</Link>
                  </td>
                  <td data-label="Members" className="num member-count">
                    {formatCount(group.memberCount)}
                  </td>
                  <td data-label="Source">{group.source}</td>
                </tr>
              ))}
              {groups.data.data.length === 0 && (
                <tr>
                  <td colSpan={3} className="muted">
                    No groups yet.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label="Groups"
        hasPrevious={pages.hasPrevious}
        nextCursor={groups.data?.nextCursor}
        onPrevious={pages.previous}
        onNext={pages.next}
      />
    </section>
  );
}
