import type { ReactElement } from 'react';
import { AuditPage } from './pages/AuditPage';
import { ConnectionPage } from './pages/ConnectionPage';
import { GraphConnectPage } from './pages/GraphConnectPage';
import { GroupPage } from './pages/GroupPage';
import { GroupsPage } from './pages/GroupsPage';
import { IntegrationsPage } from './pages/IntegrationsPage';
import { OrganizationsPage } from './pages/OrganizationsPage';
import { RunsPage } from './pages/RunsPage';
import { ScimConnectPage } from './pages/ScimConnectPage';
import { SsoSettingsPage } from './pages/SsoSettingsPage';
import { UserPage } from './pages/UserPage';
import { UsersPage } from './pages/UsersPage';
import { WebhooksPage } from './pages/WebhooksPage';
import { matchPath, useLocation } from './router';
import { useSession } from './hooks';

type Page = (params: Record<string, string>) => ReactElement;

const routes: readonly (readonly [pattern: string, page: Page])[] = [
  ['/', () => <IntegrationsPage />],
  ['/connections/scim/new', () => <ScimConnectPage />],
  ['/connections/graph/new', () => <GraphConnectPage />],
  ['/connections/:id', (p) => <ConnectionPage key={p.id} connectionId={p.id ?? ''} />],
  ['/users', () => <UsersPage />],
  ['/users/:id', (p) => <UserPage key={p.id} userId={p.id ?? ''} />],
  ['/groups', () => <GroupsPage />],
  ['/groups/:id', (p) => <GroupPage key={p.id} groupId={p.id ?? ''} />],
  ['/runs', () => <RunsPage />],
  ['/audit', () => <AuditPage />],
  ['/webhooks', () => <WebhooksPage />],
  ['/settings/sso', () => <SsoSettingsPage />],
  ['/organizations', () => <OrganizationsPage />],
];

export function Routes() {
  const { path } = useLocation();
  const { session } = useSession();
  // An operator without an organization can only choose one.
  if (session.organization === null) return <OrganizationsPage />;
  for (const [pattern, page] of routes) {
    const params = matchPath(pattern, path);
    if (params) return page(params);
  }
  return (
    <section>
      <h1>Not found</h1>
      <p>There is no page at {path}.</p>
    </section>
  );
}
