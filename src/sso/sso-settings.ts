import { parseCloud, resolveHosts } from '../connectors/graph/clouds.js';
import { invalidInput } from '../errors.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { Executor } from '../store/database.js';

/**
 * An organization's app registration for portal sign-in. The authority is
 * `<login host>/<tenant id>/v2.0`, where the login host comes from the cloud (or an override for
 * a local emulator, http only on loopback, as for Graph connections).
 */
export interface SsoSettingsInput {
  tenantId: string;
  clientId: string;
  /** Omitted on update to keep the stored secret. */
  clientSecret?: string | undefined;
  cloud?: string | undefined;
  loginUrl?: string | undefined;
  enabled?: boolean | undefined;
}

/** What admins see: never the secret. */
export interface SsoSettingsView {
  tenantId: string;
  clientId: string;
  cloud: string;
  loginUrl: string;
  enabled: boolean;
  authority: string;
  updatedAt: string;
}

export interface SsoSettings extends SsoSettingsView {
  clientSecret: string;
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const authorityOf = (loginUrl: string, tenantId: string): string => `${loginUrl}/${tenantId}/v2.0`;

export async function saveSsoSettings(
  db: Executor,
  box: SecretBox,
  organizationId: string,
  input: SsoSettingsInput,
  now: string,
): Promise<SsoSettingsView> {
  // The id token's `tid` is always the GUID, so a domain name here could never match it.
  const tenantId = input.tenantId.trim().toLowerCase();
  if (!guid.test(tenantId))
    throw invalidInput('tenantId must be the Directory (tenant) ID, a GUID', 'tenantId');
  const clientId = input.clientId.trim();
  if (clientId === '') throw invalidInput('clientId must be the Application (client) ID', 'clientId');
  const cloud = parseCloud(input.cloud);
  const { loginUrl } = resolveHosts(cloud, { loginUrl: input.loginUrl });
  const existing = await db
    .selectFrom('sso_settings')
    .select('secret_ciphertext')
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  let sealed = existing?.secret_ciphertext;
  if (input.clientSecret !== undefined && input.clientSecret !== '') {
    // Bound to the organization id, so the ciphertext is useless pasted onto another row.
    sealed = box.seal(input.clientSecret, `sso:${organizationId}`);
  }
  if (sealed === undefined) throw invalidInput('clientSecret is required the first time', 'clientSecret');
  const row = {
    organization_id: organizationId,
    tenant_id: tenantId,
    client_id: clientId,
    secret_ciphertext: sealed,
    cloud,
    login_url: loginUrl,
    enabled: input.enabled === false ? 0 : 1,
    updated_at: now,
  };
  await db
    .insertInto('sso_settings')
    .values(row)
    .onConflict((oc) => oc.column('organization_id').doUpdateSet({ ...row }))
    .execute();
  return viewOf(row);
}

export async function findSsoSettings(
  db: Executor,
  box: SecretBox,
  organizationId: string,
): Promise<SsoSettings | undefined> {
  const row = await db
    .selectFrom('sso_settings')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  if (!row) return undefined;
  return { ...viewOf(row), clientSecret: box.open(row.secret_ciphertext, `sso:${organizationId}`) };
}

export async function getSsoSettingsView(
  db: Executor,
  organizationId: string,
): Promise<SsoSettingsView | undefined> {
  const row = await db
    .selectFrom('sso_settings')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  return row && viewOf(row);
}

function viewOf(row: {
  tenant_id: string;
  client_id: string;
  cloud: string;
  login_url: string;
  enabled: number;
  updated_at: string;
}): SsoSettingsView {
  return {
    tenantId: row.tenant_id,
    clientId: row.client_id,
    cloud: row.cloud,
    loginUrl: row.login_url,
    enabled: row.enabled === 1,
    authority: authorityOf(row.login_url, row.tenant_id),
    updatedAt: row.updated_at,
  };
}

/**
 * The redirect URIs to register on the app registration: the portal's web callback, and the
 * "Mobile and desktop applications" ones MSAL-based apps of the platform use (loopback, and the
 * `msal<client id>://auth` scheme Microsoft's mobile libraries expect).
 */
export function redirectUris(
  publicUrl: string,
  clientId: string | undefined,
): { web: string[]; publicClient: string[] } {
  const publicClient = ['http://localhost'];
  if (clientId) publicClient.push(`msal${clientId}://auth`);
  return { web: [`${publicUrl}/auth/callback`], publicClient };
}
