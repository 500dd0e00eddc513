import { randomBytes, randomUUID } from 'node:crypto';
import { createGraphConnection } from '../../connectors/graph/graph-connections.js';
import { createScimConnection } from '../../connectors/scim/scim-connections.js';
import { defaultClientRoles, startEmulator, type Emulator } from '../../emulator/index.js';
import type { Runtime } from '../../runtime.js';
import { openSecretBox } from '../../secrets/secret-box.js';
import { saveSsoSettings } from '../../sso/sso-settings.js';
import type { Actor } from '../../store/audit.js';
import { createOrganization } from '../../store/organizations.js';
import { setPolicy } from '../../sync/policy-service.js';
import { startSyncRun, waitForSyncRun } from '../../sync/runs/start-sync-run.js';
import type { SyncRun } from '../../sync/runs/sync-runs.js';

/**
 * What `roster demo` sets up: an emulated Entra tenant with two app registrations (one for Graph
 * pull, one for portal sign-in), and an organization with a Graph connection, a SCIM connection
 * and SSO, then a first sync. One emulated person, Ada, is in "Roster Admins", which the policy
 * maps to the Admin role, so signing in with Microsoft works out of the box too.
 */
export interface DemoTenantOptions {
  publicUrl: string;
  emulatorPort: number;
  users: number;
  groups: number;
  seed: number;
}

export interface DemoTenant {
  emulator: Emulator;
  organization: { id: string; slug: string; name: string };
  graphConnectionId: string;
  scim: { connectionId: string; tenantUrl: string; token: string };
  adminEmail: string;
  firstRun: SyncRun;
}

const demoActor: Actor = { type: 'cli', id: 'demo' };

export async function startDemoEmulator(
  options: DemoTenantOptions,
): Promise<{ emulator: Emulator; graph: Client; portal: Client }> {
  const graph = { clientId: randomUUID(), clientSecret: randomBytes(24).toString('base64url') };
  const portal = { clientId: randomUUID(), clientSecret: randomBytes(24).toString('base64url') };
  const emulator = await startEmulator({
    port: options.emulatorPort,
    users: options.users,
    groups: options.groups,
    seed: options.seed,
    clients: [
      { ...graph, roles: [...defaultClientRoles], displayName: 'Roster (Graph sync)' },
      {
        ...portal,
        roles: [],
        redirectUris: [`${options.publicUrl}/auth/callback`],
        displayName: 'Roster portal',
      },
    ],
  });
  return { emulator, graph, portal };
}

interface Client {
  clientId: string;
  clientSecret: string;
}

export async function setUpDemoOrganization(
  runtime: Runtime,
  started: { emulator: Emulator; graph: Client; portal: Client },
): Promise<DemoTenant> {
  const { emulator } = started;
  const ada = emulator.tenant.addUser({
    displayName: 'Ada Lovelace',
    givenName: 'Ada',
    surname: 'Lovelace',
    userPrincipalName: `ada@${emulator.tenant.domain}`,
    mail: `ada@${emulator.tenant.domain}`,
    jobTitle: 'IT administrator',
    accountEnabled: true,
  });
  emulator.tenant.setAppRole(ada.id, 'Admin');
  emulator.tenant.addGroup({
    displayName: 'Roster Admins',
    description: 'Admins of the Roster portal',
    members: [ada.id],
  });

  const now = runtime.clock.now().toISOString();
  const organization = await createOrganization(runtime.store.db, { slug: 'acme', name: 'Acme Corp', now });
  const graph = await createGraphConnection(
    runtime,
    organization.id,
    {
      name: 'Acme Entra ID (Graph)',
      tenantId: emulator.tenantId,
      clientId: started.graph.clientId,
      clientSecret: started.graph.clientSecret,
      loginUrl: emulator.loginUrl,
      graphUrl: emulator.graphUrl,
      interval: '15m',
    },
    demoActor,
  );
  await setPolicy(
    runtime,
    graph.connectionId,
    { roles: { fromSource: true, rules: [{ group: { name: 'Roster Admins' }, role: 'Admin' }] } },
    demoActor,
  );
  const scim = await createScimConnection(runtime, organization.id, demoActor, 'Acme Entra ID (SCIM)');
  await saveSsoSettings(
    runtime.store.db,
    openSecretBox(runtime.config),
    organization.id,
    {
      tenantId: emulator.tenantId,
      clientId: started.portal.clientId,
      clientSecret: started.portal.clientSecret,
      loginUrl: emulator.loginUrl,
    },
    now,
  );
  const runId = await startSyncRun(runtime, graph.connectionId, { trigger: 'manual', actor: demoActor });
  const firstRun = await waitForSyncRun(runtime, runId, 200);
  return {
    emulator,
    organization: { id: organization.id, slug: organization.slug, name: organization.name },
    graphConnectionId: graph.connectionId,
    scim: { connectionId: scim.connectionId, tenantUrl: scim.tenantUrl, token: scim.token },
    adminEmail: ada.mail ?? ada.userPrincipalName,
    firstRun,
  };
}
