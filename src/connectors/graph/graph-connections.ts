import { isoNow } from '../../clock.js';
import { invalidInput } from '../../errors.js';
import type { Runtime } from '../../runtime.js';
import { openSecretBox } from '../../secrets/secret-box.js';
import { appendAudit, type Actor } from '../../store/audit.js';
import { createConnection, getConnection, type Connection } from '../../store/connections.js';
import { getOrganization } from '../../store/organizations.js';
import { parseCertificatePem } from './certificate.js';
import { parseCloud, resolveHosts } from './clouds.js';
import { createGraphClient, type GraphClient } from './graph-client.js';
import {
  formatInterval,
  graphSettingsOf,
  parseClientId,
  parseInterval,
  parseTenantId,
  type GraphCredential,
  type GraphSettings,
} from './graph-settings.js';
import { tokenProviderFor, type TokenProvider } from './token-provider.js';

/** What an admin gives to connect a tenant (CLI flags, REST body). */
export interface GraphConnectionInput {
  name?: string | undefined;
  tenantId: string;
  clientId: string;
  clientSecret?: string | undefined;
  /** PEM text holding the certificate and its private key. */
  certificatePem?: string | undefined;
  /** YYYY-MM-DD or ISO timestamp; for certificates it defaults to the certificate's expiry. */
  secretExpiresAt?: string | undefined;
  cloud?: string | undefined;
  loginUrl?: string | undefined;
  graphUrl?: string | undefined;
  interval?: string | undefined;
}

/** A Graph connection as shown to admins: never the secret. */
export interface GraphConnectionView extends Omit<GraphSettings, 'intervalMinutes'> {
  connectionId: string;
  organizationId: string;
  name: string;
  interval: string;
  secretExpiresAt: string | null;
}

export function toGraphConnectionView(connection: Connection): GraphConnectionView {
  const { intervalMinutes, ...settings } = graphSettingsOf(connection);
  return {
    connectionId: connection.id,
    organizationId: connection.organizationId,
    name: connection.name,
    ...settings,
    interval: formatInterval(intervalMinutes),
    secretExpiresAt: connection.secretExpiresAt,
  };
}

export async function createGraphConnection(
  runtime: Runtime,
  organizationRef: string,
  input: GraphConnectionInput,
  actor: Actor,
): Promise<GraphConnectionView> {
  const { settings, credential, secretExpiresAt } = parseGraphConnectionInput(input);
  const box = openSecretBox(runtime.config);
  const now = isoNow(runtime.clock);
  const connection = await runtime.store.transaction(async (trx) => {
    const organization = await getOrganization(trx, organizationRef);
    const created = await createConnection(trx, {
      organizationId: organization.id,
      kind: 'graph',
      name: input.name ?? 'Microsoft Graph',
      now,
      settings: settings as unknown as Record<string, unknown>,
      secretExpiresAt,
    });
    // Sealed with the connection id as associated data, so the ciphertext is useless on another row.
    await trx
      .updateTable('connections')
      .set({ secret_ciphertext: box.seal(JSON.stringify(credential), created.id) })
      .where('id', '=', created.id)
      .execute();
    await appendAudit(
      trx,
      organization.id,
      actor,
      [
        {
          action: 'connection.created',
          targetType: 'connection',
          targetId: created.id,
          connectionId: created.id,
          after: { kind: 'graph', ...settings, secretExpiresAt },
        },
      ],
      now,
    );
    return created;
  });
  return toGraphConnectionView(connection);
}

export function parseGraphConnectionInput(input: GraphConnectionInput): {
  settings: GraphSettings;
  credential: GraphCredential;
  secretExpiresAt: string | null;
} {
  const cloud = parseCloud(input.cloud);
  const hosts = resolveHosts(cloud, input);
  let credential: GraphCredential;
  let secretExpiresAt = input.secretExpiresAt === undefined ? null : parseExpiry(input.secretExpiresAt);
  if ((input.clientSecret === undefined) === (input.certificatePem === undefined)) {
    throw invalidInput('Give exactly one credential: a client secret or a certificate file', 'clientSecret');
  }
  if (input.clientSecret !== undefined) {
    if (input.clientSecret.trim() === '')
      throw invalidInput('clientSecret must not be empty', 'clientSecret');
    credential = { kind: 'secret', clientSecret: input.clientSecret };
  } else {
    const parsed = parseCertificatePem(input.certificatePem ?? '');
    credential = parsed.credential;
    secretExpiresAt ??= parsed.notAfter;
  }
  const settings: GraphSettings = {
    tenantId: parseTenantId(input.tenantId),
    clientId: parseClientId(input.clientId),
    cloud,
    ...hosts,
    credential: credential.kind,
    certificateThumbprint: credential.kind === 'certificate' ? credential.thumbprintSha256 : null,
    intervalMinutes: parseInterval(input.interval),
  };
  return { settings, credential, secretExpiresAt };
}

function parseExpiry(raw: string): string {
  // A date, or an ISO 8601 timestamp (as Roster answers it). Date.parse alone would roll 2027-02-30
  // over to March 2 and read other forms in local time, so the form and the day are checked first.
  const form = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/.exec(raw);
  const day = raw.slice(0, 10);
  const midnight = Date.parse(`${day}T00:00:00.000Z`);
  const time = form?.[1] === undefined ? midnight : Date.parse(raw);
  if (
    form === null ||
    !Number.isFinite(time) ||
    !Number.isFinite(midnight) ||
    !new Date(midnight).toISOString().startsWith(day)
  ) {
    throw invalidInput(`secretExpiresAt must be a real date (YYYY-MM-DD), got "${raw}"`, 'secretExpiresAt');
  }
  // A secret that expired days ago cannot work; the date is a typo, or the secret needs replacing.
  if (time + 24 * 3600_000 <= Date.now()) {
    throw invalidInput(
      'secretExpiresAt is in the past: give the expiry of a current secret, or create a new one',
      'secretExpiresAt',
    );
  }
  return new Date(time).toISOString();
}

/** A loaded connection with its token provider and Graph client, ready to call. */
export interface OpenGraphConnection {
  connection: Connection;
  settings: GraphSettings;
  tokens: TokenProvider;
  client: GraphClient;
}

export async function openGraphConnection(
  runtime: Runtime,
  connectionId: string,
  organizationId?: string,
  clientOptions: { onThrottled?: (info: { status: number; delayMs: number }) => void } = {},
): Promise<OpenGraphConnection> {
  const connection = await getConnection(runtime.store.db, connectionId, organizationId);
  const settings = graphSettingsOf(connection);
  const row = await runtime.store.db
    .selectFrom('connections')
    .select('secret_ciphertext')
    .where('id', '=', connectionId)
    .executeTakeFirstOrThrow();
  if (row.secret_ciphertext === null) throw invalidInput(`Connection "${connectionId}" has no credential`);
  const credential = JSON.parse(
    openSecretBox(runtime.config).open(row.secret_ciphertext, connectionId),
  ) as GraphCredential;
  const tokens = tokenProviderFor(connectionId, settings, credential);
  const client = createGraphClient({ graphUrl: settings.graphUrl, tokens, ...clientOptions });
  return { connection, settings, tokens, client };
}
