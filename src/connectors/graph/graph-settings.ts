import { invalidInput } from '../../errors.js';
import type { Connection } from '../../store/connections.js';
import type { GraphCloud } from './clouds.js';

/** A Graph connection's non-secret settings, as stored in `connections.settings`. */
export interface GraphSettings {
  readonly tenantId: string;
  readonly clientId: string;
  readonly cloud: GraphCloud;
  readonly loginUrl: string;
  readonly graphUrl: string;
  readonly credential: 'secret' | 'certificate';
  /** SHA-256 thumbprint (hex) of the certificate, for certificate credentials. */
  readonly certificateThumbprint: string | null;
  /** Minutes between scheduled runs; null when scheduling is off. */
  readonly intervalMinutes: number | null;
}

/** What `secret_ciphertext` holds once opened: exactly one credential. */
export type GraphCredential =
  | { kind: 'secret'; clientSecret: string }
  | { kind: 'certificate'; privateKey: string; certificate: string; thumbprintSha256: string };

export function graphSettingsOf(connection: Connection): GraphSettings {
  if (connection.kind !== 'graph')
    throw invalidInput(`Connection "${connection.id}" is not a Graph connection`);
  return connection.settings as unknown as GraphSettings;
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The tenant must be a GUID or a verified domain name: the client-credentials flow needs one
 * tenant, never `common` or `organizations` (MSAL guidance).
 */
export function parseTenantId(raw: string): string {
  const value = raw.trim();
  if (['common', 'organizations', 'consumers'].includes(value.toLowerCase())) {
    throw invalidInput(
      'tenantId must be the directory (tenant) id, not "common" or "organizations"',
      'tenantId',
    );
  }
  if (!guid.test(value) && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(value)) {
    throw invalidInput(
      'tenantId must be a GUID (Directory (tenant) ID) or a verified domain name',
      'tenantId',
    );
  }
  return value;
}

/** Entra's Application (client) ID is always a GUID; anything else fails only later, at sign-in. */
export function parseClientId(raw: string): string {
  const value = raw.trim();
  if (!guid.test(value)) {
    throw invalidInput('clientId must be the Application (client) ID, a GUID', 'clientId');
  }
  return value;
}

/** `15m`, `1h`, `<n>m`, `<n>h` or `off`. */
export function parseInterval(raw: string | undefined): number | null {
  if (raw === undefined) return 60;
  if (raw === 'off') return null;
  const match = /^(\d+)(m|h)$/.exec(raw.trim());
  const amount = match ? Number(match[1]) : NaN;
  const minutes = match?.[2] === 'h' ? amount * 60 : amount;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 7 * 24 * 60) {
    throw invalidInput('interval must be 15m, 1h, <minutes>m, <hours>h or off (at most 7 days)', 'interval');
  }
  return minutes;
}

export function formatInterval(minutes: number | null): string {
  if (minutes === null) return 'off';
  return minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
}
