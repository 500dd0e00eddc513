import { useState } from 'react';
import { listUsers, userName } from '../api/people';
import { Badge, ErrorNotice, Field, Loading, Select, Pager } from '../components/ui';
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
        <Field
          label="Search"
          type="search"
          value={search}
          placeholder="Name or email"
          onChange={(e) => filter(setSearch)(e.target.value)}
        />
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
      <ErrorNotice error={users.error} />
      {users.loading && !users.data && <Loading />}
      {users.data && (
        <div className="table-wrap">
          <table aria-busy={users.loading}>
            <caption className="visually-hidden">Users</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Status</th>
                <th scope="col">Source</th>
                <th scope="col">Roles</th>
                <th scope="col">Groups</th>
              </tr>
            </thead>
            <tbody>
              {users.data.data.map((user) => (
                <tr key={user.id} data-email={user.email}>
                  <td data-label="Name">
                    <Link to={`/users/${user.id}`}>{userName(user)}</Link>
                  </td>
                  <td data-label="Email">{user.email}</td>
                  <td data-label="Status">
                    <Badge value={user.status} />
                  </td>
                  <td data-label="Source">{user.source}</td>
                  <td data-label="Roles">{user.roles.join(', ') || '—'}</td>
                  <td data-label="Groups">
                    {(user.groups ?? []).map((g) => g.displayName).join(', ') || '—'}
                  </td>
                </tr>
              ))}
              {users.data.data.length === 0 && (
                <tr>
                  <td colSpan={6} className="muted">
                    No users match.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label="Users"
        hasPrevious={pages.hasPrevious}
        nextCursor={users.data?.nextCursor}
        onPrevious={pages.previous}
        onNext={pages.next}
      />
    </section>
  );
}
