import { listAllOrganizations, switchOrganization } from '../api/session';
import { ErrorNotice, Loading } from '../components/ui';
import { navigate } from '../router';
import { useAction, useAsync, useSession } from '../hooks';

/** Operators choose which organization the portal shows. */
export function OrganizationsPage() {
  const { session, reload } = useSession();
  const organizations = useAsync(listAllOrganizations, []);
  const choose = useAction(async (id: string) => {
    await switchOrganization(id);
    navigate('/');
    reload();
  });
  if (session.kind !== 'operator') return <p>Only the operator can switch organizations.</p>;
  return (
    <section>
      <h1>Organizations</h1>
      <ErrorNotice error={organizations.error} onRetry={organizations.reload} />
      <ErrorNotice error={choose.error} />
      {!organizations.data && !organizations.error && <Loading />}
      <ul className="plain">
        {(organizations.data?.organizations ?? []).map((o) => (
          <li key={o.id}>
            <button
              type="button"
              className="link-button"
              onClick={() => void choose.run(o.id)}
              aria-current={session.organization?.id === o.id}
            >
              {o.name}
            </button>{' '}
            <span className="muted small">{o.slug}</span>
          </li>
        ))}
        {organizations.data?.organizations.length === 0 && (
          <li className="muted">No organizations yet: create one with `roster org create`.</li>
        )}
      </ul>
    </section>
  );
}
