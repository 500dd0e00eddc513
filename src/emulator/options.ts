/**
 * `startEmulator` options: validated once, copied and frozen. Misuse throws `TypeError` naming
 * the option, before any port is opened.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { tenantIdForSeed } from './generate-tenant.js';
import { Salt, deterministicGuid } from './ids.js';

export interface EmulatorClient {
  clientId: string;
  clientSecret?: string;
  /** When this moment has passed, the secret is expired (AADSTS7000222). */
  clientSecretExpiresAt?: Date | string;
  /** PEM of the public certificate whose key signs `client_assertion` JWTs. */
  certificatePem?: string;
  /** Consented application permissions, e.g. `['User.Read.All', 'Group.Read.All']`. */
  roles?: string[];
  redirectUris?: string[];
  displayName?: string;
}

/** Structurally compatible with pino. */
export interface EmulatorLogger {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

export interface EmulatorOptions {
  port?: number;
  host?: '127.0.0.1';
  users?: number;
  groups?: number;
  seed?: number;
  tenantId?: string;
  clients?: EmulatorClient[];
  logger?: EmulatorLogger;
  /** Time source for token lifetimes and delta-token expiry; tests move it. */
  clock?: { now(): Date };
  /** Access and ID token lifetime; short values let tests exercise expiry. Default 3599. */
  accessTokenLifetimeSeconds?: number;
  /** Delta tokens for directory objects are valid for seven days (Graph docs); default 604800. */
  deltaTokenLifetimeSeconds?: number;
  /** Public Graph base for `@odata.nextLink`/`deltaLink`; default: the request's Host header. */
  graphUrl?: string;
  pageSizes?: Partial<PageSizes>;
}

export interface PageSizes {
  /** Objects per `/users/delta` page. */
  usersDelta: number;
  /** Most group objects per `/groups/delta` page. */
  groupsDelta: number;
  /** Most `members@delta` entries per `/groups/delta` page; larger groups span pages. */
  membersPerDeltaPage: number;
}

export interface RegisteredClient {
  clientId: string;
  displayName: string;
  clientSecret: string | null;
  secretExpiresAtMs: number | null;
  certificate: X509Certificate | null;
  /** base64url SHA-1 and SHA-256 thumbprints, as in the `x5t` and `x5t#S256` JWT headers. */
  x5t: string | null;
  x5tS256: string | null;
  roles: readonly string[];
  redirectUris: readonly string[];
  servicePrincipalId: string;
}

export interface ResolvedOptions {
  port: number;
  host: '127.0.0.1';
  users: number;
  groups: number;
  seed: number;
  tenantId: string;
  clients: readonly RegisteredClient[];
  logger: EmulatorLogger | null;
  now: () => Date;
  accessTokenLifetimeSeconds: number;
  deltaTokenLifetimeSeconds: number;
  graphUrl: string | null;
  pageSizes: PageSizes;
}

export const defaultClientSecret = (seed: number): string => `emulator-secret-${seed}`;
export const defaultClientRoles = [
  'User.Read.All',
  'Group.Read.All',
  'GroupMember.Read.All',
  'Application.Read.All',
  'Organization.Read.All',
];

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function integer(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new TypeError(`options.${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

const thumbprint = (cert: X509Certificate, algorithm: 'sha1' | 'sha256'): string =>
  createHash(algorithm).update(cert.raw).digest('base64url');

function resolveClient(client: EmulatorClient, index: number, seed: number): RegisteredClient {
  const at = `options.clients[${index}]`;
  if (typeof client.clientId !== 'string' || client.clientId === '')
    throw new TypeError(`${at}.clientId is required`);
  let certificate: X509Certificate | null = null;
  if (client.certificatePem !== undefined) {
    try {
      certificate = new X509Certificate(client.certificatePem);
    } catch (cause) {
      throw new TypeError(`${at}.certificatePem is not a PEM X.509 certificate`, { cause });
    }
  }
  let secretExpiresAtMs: number | null = null;
  if (client.clientSecretExpiresAt !== undefined) {
    secretExpiresAtMs = new Date(client.clientSecretExpiresAt).getTime();
    if (Number.isNaN(secretExpiresAtMs)) throw new TypeError(`${at}.clientSecretExpiresAt is not a date`);
  }
  return Object.freeze({
    clientId: client.clientId,
    displayName: client.displayName ?? `Emulated App ${index + 1}`,
    clientSecret: client.clientSecret ?? null,
    secretExpiresAtMs,
    certificate,
    x5t: certificate ? thumbprint(certificate, 'sha1') : null,
    x5tS256: certificate ? thumbprint(certificate, 'sha256') : null,
    roles: Object.freeze([...(client.roles ?? [])]),
    redirectUris: Object.freeze([...(client.redirectUris ?? [])]),
    servicePrincipalId: deterministicGuid(seed, Salt.servicePrincipal, index),
  });
}

export function resolveOptions(options: EmulatorOptions = {}): ResolvedOptions {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1')
    throw new TypeError("options.host must be '127.0.0.1': the emulator serves loopback only");
  const seed = integer('seed', options.seed, 1, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const tenantId = options.tenantId ?? tenantIdForSeed(seed);
  if (!guidPattern.test(tenantId)) throw new TypeError('options.tenantId must be a GUID');
  const clients = options.clients ?? [
    {
      clientId: deterministicGuid(seed, Salt.client, 0),
      clientSecret: defaultClientSecret(seed),
      roles: defaultClientRoles,
      redirectUris: ['http://127.0.0.1/callback', 'http://localhost/callback'],
      displayName: 'Roster (emulated)',
    },
  ];
  const resolved = clients.map((client, i) => resolveClient(client, i, seed));
  if (new Set(resolved.map((c) => c.clientId.toLowerCase())).size !== resolved.length) {
    throw new TypeError('options.clients must not repeat a clientId');
  }
  if (options.graphUrl !== undefined && !/^https?:\/\/[^/]+$/.test(options.graphUrl)) {
    throw new TypeError('options.graphUrl must be an origin such as http://127.0.0.1:9000 (no path)');
  }
  const clock = options.clock;
  return Object.freeze({
    port: integer('port', options.port, 0, 0, 65535),
    host,
    users: integer('users', options.users, 1000, 0, 10_000_000),
    groups: integer('groups', options.groups, 50, 0, 1_000_000),
    seed,
    tenantId: tenantId.toLowerCase(),
    clients: Object.freeze(resolved),
    logger: options.logger ?? null,
    now: clock ? () => clock.now() : () => new Date(),
    accessTokenLifetimeSeconds: integer(
      'accessTokenLifetimeSeconds',
      options.accessTokenLifetimeSeconds,
      3599,
      1,
      86400,
    ),
    deltaTokenLifetimeSeconds: integer(
      'deltaTokenLifetimeSeconds',
      options.deltaTokenLifetimeSeconds,
      604800,
      1,
      31_536_000,
    ),
    graphUrl: options.graphUrl ?? null,
    pageSizes: Object.freeze({
      usersDelta: integer('pageSizes.usersDelta', options.pageSizes?.usersDelta, 200, 1, 999),
      groupsDelta: integer('pageSizes.groupsDelta', options.pageSizes?.groupsDelta, 50, 1, 999),
      membersPerDeltaPage: integer(
        'pageSizes.membersPerDeltaPage',
        options.pageSizes?.membersPerDeltaPage,
        500,
        1,
        100_000,
      ),
    }),
  });
}
