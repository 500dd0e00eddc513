import { listGroups } from '../api/people';
import { PagedTable } from '../components/paged-table';
import { SearchField, formatCount } from '../components/ui';
import { Link } from '../router';
import { useAsync, useListQuery, useSearchText } from '../hooks';

const filterNames = ['search'] as const;

/**
 * Groups with their member counts (kept as a column, so a 100,000-member group costs one row).
 * The search and page live in the address, so Back from a group comes back to the same list.
 */
export function GroupsPage() {
  const { values, set, pages } = useListQuery(filterNames);
  const query = values.search;
  const [search, setSearch] = useSearchText(query, (text) => set('search', text));
  const groups = useAsync(
    () => listGroups({ search: query, cursor: pages.cursor, limit: 50 }),
    [query, pages.cursor],
  );
  return (
    <section>
      <h1>Groups</h1>
      <div className="filters" role="search">
        <SearchField value={search} placeholder="Group name" onChange={setSearch} />
      </div>
      <PagedTable
        caption="Groups"
        result={groups}
        pages={pages}
        columns={[
          { label: 'Name' },
          { label: 'Members', numeric: true, cellClass: 'member-count' },
          { label: 'Source' },
        ]}
        rowKey={(group) => group.id}
        rowData={(group) => ({ 'data-group': group.displayName })}
        cells={(group) => [
          <Link to={`/groups/${group.id}`}>{group.displayName}</Link>,
          formatCount(group.memberCount),
          group.source,
        ]}
        empty="No groups yet."
      />
    </section>
  );
}
