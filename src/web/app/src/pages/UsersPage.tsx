import { useState } from 'react';
import { listUsers, userName } from '../api/people';
import { PagedTable } from '../components/paged-table';
import { Badge, SearchField, Select } from '../components/ui';
import { Link } from '../router';
import { useAsync, useCursorPages, useDebounced } from '../hooks';

const pageSize = 50;

/** Users grid: search, status and source filters, cursor paging that stays fast at 100,000 users. */
export function UsersPage() {
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('');
  const [source, setSource] = useState('');
  const pages = useCursorPages();
  const query = useDebounced(search.trim());
  const users = useAsync(
    () => listUsers({ search: query, status, source, cursor: pages.cursor, limit: pageSize }),
    [query, status, source, pages.cursor],
  );
  const filter = (set: (value: string) => void) => (value: string) => {
    set(value);
    pages.reset();
  };
  return (
    <section>
      <h1>Users</h1>
      <div className="filters" role="search">
        <SearchField value={search} placeholder="Name or email" onChange={filter(setSearch)} />
        <Select
          label="Status"
          value={status}
          onChange={filter(setStatus)}
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
          onChange={filter(setSource)}
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
