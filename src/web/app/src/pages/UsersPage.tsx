import { listUsers, userName } from '../api/people';
import { PagedTable } from '../components/paged-table';
import { Badge, SearchField, Select } from '../components/ui';
import { Link } from '../router';
import { useAsync, useListQuery, useSearchText } from '../hooks';

const pageSize = 50;
const filterNames = ['search', 'status', 'source'] as const;

/**
 * Users grid: search, status and source filters, cursor paging that stays fast at 100,000 users.
 * Filters and page live in the address, so Back from a user comes back to the same list.
 */
export function UsersPage() {
  const { values, set, pages } = useListQuery(filterNames);
  const { search: query, status, source } = values;
  const [search, setSearch] = useSearchText(query, (text) => set('search', text));
  const users = useAsync(
    () => listUsers({ search: query, status, source, cursor: pages.cursor, limit: pageSize }),
    [query, status, source, pages.cursor],
  );
  return (
    <section>
      <h1>Users</h1>
      <div className="filters" role="search">
        <SearchField value={search} placeholder="Name or email" onChange={setSearch} />
        <Select
          label="Status"
          value={status}
          onChange={(value) => set('status', value)}
          options={[
            ['', 'Any status'],
            ['active', 'Active'],
            ['inactive', 'Inactive'],
            ['pending', 'Pending'],
          ]}
        />
        <Select
          label="Source"
          value={source}
          onChange={(value) => set('source', value)}
          options={[
            ['', 'Any source'],
            ['graph', 'Graph sync'],
            ['scim', 'SCIM provisioning'],
            ['local', 'Local'],
          ]}
        />
      </div>
      <PagedTable
        caption="Users"
        result={users}
        pages={pages}
        columns={[
          { label: 'Name' },
          { label: 'Email' },
          { label: 'Status' },
          { label: 'Source' },
          { label: 'Roles' },
          { label: 'Groups' },
        ]}
        rowKey={(user) => user.id}
        rowData={(user) => ({ 'data-email': user.email })}
        cells={(user) => [
          <Link to={`/users/${user.id}`}>{userName(user)}</Link>,
          user.email,
          <Badge value={user.status} />,
          user.source,
          user.roles.join(', ') || '—',
          (user.groups ?? []).map((g) => g.displayName).join(', ') || '—',
        ]}
        empty="No users match."
      />
    </section>
  );
}
