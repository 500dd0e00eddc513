/**
 * Roster's Entra emulator: a Microsoft Entra tenant on loopback that follows Microsoft's
 * documented wire behaviour, for tests, benchmarks and the demo.
 *
 * - Login (`/{tenant}/oauth2/v2.0/token|authorize|logout`, discovery, JWKS): client credentials
 *   with a secret or a certificate assertion, authorization code + PKCE, AADSTS errors.
 * - Graph v1.0 (`/v1.0/…`): users, groups, members, delta with deltaLinks, paging, `$select`,
 *   `$filter`, `$search`, `$count`, throttling and injected failures.
 * - Control (`/_emulator/…` and `emulator.tenant`): change the tenant, expire delta tokens,
 *   script failures. See `control/control-routes.ts` for the routes.
 *
 * `startEmulator` prints nothing; pass `logger` to see requests.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTenantControl, type TenantControl } from './control/tenant-control.js';
import { resolveOptions, type EmulatorOptions } from './options.js';
import { EmulatorRuntime } from './runtime.js';
import { createRequestHandler } from './server.js';

export type { EmulatorClient, EmulatorLogger, EmulatorOptions, PageSizes } from './options.js';
export { defaultClientRoles, defaultClientSecret } from './options.js';
export type { EmulatedGroup, EmulatedUser, TenantControl, TenantCounts } from './control/tenant-control.js';
export type { FailureRule, InjectedStatus } from './failure-injection.js';
export type { ThrottleSettings } from './throttle.js';
export type { RequestLogEntry } from './request-log.js';
export type { GroupRecord, UserRecord, AppRoleValue, RemovedReason } from './directory-types.js';
export type { GroupInput, UserInput } from './tenant-store.js';
export { EmulatorError } from './emulator-error.js';
export { generateTenant, tenantIdForSeed, type GeneratedTenant } from './generate-tenant.js';

/** A registered application as the emulator knows it (for printing connection settings). */
export interface EmulatorClientInfo {
  clientId: string;
  clientSecret: string | null;
  roles: readonly string[];
  redirectUris: readonly string[];
  servicePrincipalId: string;
}

export interface Emulator {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** Login authority base: `${loginUrl}/${tenantId}/oauth2/v2.0/token`. */
  readonly loginUrl: string;
  /** Graph base: `${graphUrl}/v1.0/users`. */
  readonly graphUrl: string;
  readonly tenantId: string;
  /** `${loginUrl}/${tenantId}/v2.0`, the OIDC issuer. */
  readonly issuer: string;
  readonly clients: readonly EmulatorClientInfo[];
  readonly tenant: TenantControl;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const resolved = resolveOptions(options);
  const server = createServer();
  await listen(server, resolved.port, resolved.host);
  const { port } = server.address() as AddressInfo;
  const origin = `http://${resolved.host}:${port}`;
  let rt: EmulatorRuntime;
  try {
    rt = new EmulatorRuntime(resolved, origin);
  } catch (error) {
    server.close();
    throw error;
  }
  const tenant = createTenantControl(rt);
  const handle = createRequestHandler(rt, tenant);
  server.on('request', (req, res) => void handle(req, res));
  let closing: Promise<void> | null = null;
  return {
    url: origin,
    loginUrl: origin,
    graphUrl: resolved.graphUrl ?? origin,
    tenantId: rt.tenantId,
    issuer: rt.issuerV2,
    clients: resolved.clients.map((c) => ({
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      roles: c.roles,
      redirectUris: c.redirectUris,
      servicePrincipalId: c.servicePrincipalId,
    })),
    tenant,
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      })),
  };
}
