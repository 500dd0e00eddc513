import {
  graphClouds,
  isCloudLoginUrl,
  parseCloud,
  parseHostOverride,
  type GraphCloud,
} from '../connectors/graph/clouds.js';
import { invalidInput } from '../errors.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { Executor } from '../store/database.js';

/**
 * An organization's app registration for portal sign-in. The authority is
 * `<login host>/<tenant id>/v2.0`, where the login host comes from the cloud (or an override for
 * a local emulator, http only on loopback, as for Graph connections). Only an override is stored:
 * the cloud's host is looked up on each read, so changing the cloud changes the authority.
 */
export interface SsoSettingsInput {
  tenantId: string;
  clientId: string;
  /** Omitted on update to keep the stored secret. */
  clientSecret?: string | undefined;
  cloud?: string | undefined;
  /** A login host instead of the cloud's; omitted or empty for the cloud's own. */
  loginUrl?: string | undefined;
  enabled?: boolean | undefined;
}

/** What admins see: never the secret. */
export interface SsoSettingsView {
  tenantId: string;
  clientId: string;
  cloud: string;
  /** The login host sign-in uses: the override when there is one, else the cloud's. */
  loginUrl: string;
  /** The host the admin gave instead of the cloud's (a local emulator), or null. */
  loginUrlOverride: string | null;
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
  // Entra's Application (client) ID is always a GUID; anything else fails only at sign-in, and
  // would make a nonsense `msal<client id>://auth` redirect URI to register.
  const clientId = input.clientId.trim();
  if (!guid.test(clientId))
    throw invalidInput('clientId must be the Application (client) ID, a GUID', 'clientId');
  const cloud = parseCloud(input.cloud);
  const loginUrlOverride = parseLoginUrlOverride(cloud, input.loginUrl);
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
    // The column is NOT NULL (migration 0005): '' stores "no override", so a later change of
    // cloud changes the host instead of keeping the one the cloud had when first saved.
    login_url: loginUrlOverride ?? '',
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

/**
 * The admin's login host, or null for the cloud's own. Naming the chosen cloud's host is no
 * override; naming another cloud's is a contradiction, refused so the cloud picked is the one used.
 */
function parseLoginUrlOverride(cloud: GraphCloud, raw: string | undefined): string | null {
  if (raw === undefined || raw.trim() === '') return null;
  const loginUrl = parseHostOverride(raw.trim(), 'loginUrl');
  if (isCloudLoginUrl(cloud, loginUrl)) return null;
  const other = (Object.keys(graphClouds) as GraphCloud[]).find((c) => isCloudLoginUrl(c, loginUrl));
  if (other !== undefined)
    throw invalidInput(
      `loginUrl ${loginUrl} is the login host of the ${other} cloud: choose that cloud instead`,
      'loginUrl',
    );
  return loginUrl;
}

/**
 * Settings saved before overrides were kept apart stored the cloud's host itself (China's former
 * one included): that was never an override, and must follow the cloud.
 */
function storedOverride(cloud: GraphCloud, loginUrl: string): string | null {
  return loginUrl === '' || isCloudLoginUrl(cloud, loginUrl) ? null : loginUrl;
}

function viewOf(row: {
  tenant_id: string;
  client_id: string;
  cloud: string;
  login_url: string;
  enabled: number;
  updated_at: string;
}): SsoSettingsView {
  const cloud = parseCloud(row.cloud);
  const loginUrlOverride = storedOverride(cloud, row.login_url);
  const loginUrl = loginUrlOverride ?? graphClouds[cloud].loginUrl;
  return {
    tenantId: row.tenant_id,
    clientId: row.client_id,
    cloud,
    loginUrl,
    loginUrlOverride,
    enabled: row.enabled === 1,
    authority: authorityOf(loginUrl, row.tenant_id),
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
  // Only a GUID makes a valid scheme; a client id stored before it was checked shows none.
  if (clientId && guid.test(clientId)) publicClient.push(`msal${clientId}://auth`);
  return { web: [`${publicUrl}/auth/callback`], publicClient };
}
