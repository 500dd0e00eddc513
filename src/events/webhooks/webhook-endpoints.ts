import { randomUUID } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import { isoNow } from '../../clock.js';
import { invalidInput, notFound } from '../../errors.js';
import type { Runtime } from '../../runtime.js';
import { appendAudit, type Actor } from '../../store/audit.js';
import type { Executor } from '../../store/database.js';
import type { WebhookEndpointRow } from '../../store/schema.js';
import * as store from '../../store/webhooks.js';
import { checkEventTypePattern } from '../event-types.js';
import { generateWebhookSecret, sealWebhookSecret } from './webhook-secret.js';

/**
 * Webhook endpoints as admins manage them (REST API, portal). Every change is audited in its
 * transaction, with before and after; the signing secret appears only in the create and rotate
 * answers and never in the audit log.
 */
export interface WebhookEndpointView {
  id: string;
  organizationId: string;
  url: string;
  description: string;
  eventTypes: string[];
  status: 'enabled' | 'disabled';
  disabledReason: string | null;
  disabledAt: string | null;
  failingSince: string | null;
  consecutiveFailures: number;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookEndpointInput {
  url?: string | undefined;
  description?: string | undefined;
  eventTypes?: string[] | undefined;
  status?: 'enabled' | 'disabled' | undefined;
}

export function toWebhookEndpointView(row: WebhookEndpointRow): WebhookEndpointView {
  return {
    id: row.id,
    organizationId: row.organization_id,
    url: row.url,
    description: row.description,
    eventTypes: JSON.parse(row.event_types) as string[],
    status: row.status,
    disabledReason: row.disabled_reason,
    disabledAt: row.disabled_at,
    failingSince: row.failing_since,
    consecutiveFailures: Number(row.consecutive_failures),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function createWebhookEndpoint(
  runtime: Runtime,
  organizationId: string,
  input: WebhookEndpointInput & { url: string },
  actor: Actor,
): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
  const url = parseWebhookUrl(input.url, runtime.config.webhooksAllowPrivate);
  const eventTypes = parseEventTypes(input.eventTypes ?? []);
  const now = isoNow(runtime.clock);
  const id = randomUUID();
  const secret = generateWebhookSecret();
  const row = await runtime.store.transaction(async (trx) => {
    // Only events after the endpoint exists are sent; earlier ones are in the Events API.
    const cursor = await currentEventSeq(trx, organizationId);
    const created: WebhookEndpointRow = {
      id,
      organization_id: organizationId,
      url,
      description: input.description ?? '',
      event_types: JSON.stringify(eventTypes),
      secret_ciphertext: sealWebhookSecret(runtime.config, id, secret),
      status: input.status ?? 'enabled',
      disabled_reason: null,
      disabled_at: input.status === 'disabled' ? now : null,
      cursor_seq: cursor,
      failing_since: null,
      consecutive_failures: 0,
      created_at: now,
      updated_at: now,
    };
    await store.insertWebhookEndpoint(trx, created);
    const after = toWebhookEndpointView(created);
    await audit(trx, organizationId, actor, 'webhook.created', id, undefined, after, now);
    return created;
  });
  return { endpoint: toWebhookEndpointView(row), secret };
}

export async function getWebhookEndpoint(
  db: Executor,
  organizationId: string,
  endpointId: string,
): Promise<WebhookEndpointRow> {
  const row = await store.findWebhookEndpoint(db, organizationId, endpointId);
  if (!row) throw notFound(`Webhook endpoint "${endpointId}"`);
  return row;
}

export async function updateWebhookEndpoint(
  runtime: Runtime,
  organizationId: string,
  endpointId: string,
  input: WebhookEndpointInput,
  actor: Actor,
): Promise<WebhookEndpointView> {
  const now = isoNow(runtime.clock);
  return runtime.store.transaction(async (trx) => {
    const before = await getWebhookEndpoint(trx, organizationId, endpointId);
    const changes: Parameters<typeof store.updateWebhookEndpoint>[3] = { updated_at: now };
    if (input.url !== undefined)
      changes.url = parseWebhookUrl(input.url, runtime.config.webhooksAllowPrivate);
    if (input.description !== undefined) changes.description = input.description;
    if (input.eventTypes !== undefined)
      changes.event_types = JSON.stringify(parseEventTypes(input.eventTypes));
    if (input.status === 'disabled' && before.status !== 'disabled') {
      Object.assign(changes, {
        status: 'disabled',
        disabled_at: now,
        disabled_reason: 'disabled by an admin',
      });
    }
    if (input.status === 'enabled' && before.status !== 'enabled') {
      // Re-enabling resumes with new events. Events of the disabled time get no delivery, so they
      // cannot be redelivered: the receiver reads them from the Events API (docs/api.md says so).
      Object.assign(changes, {
        status: 'enabled',
        disabled_at: null,
        disabled_reason: null,
        failing_since: null,
        consecutive_failures: 0,
        cursor_seq: await currentEventSeq(trx, organizationId),
      });
    }
    await store.updateWebhookEndpoint(trx, organizationId, endpointId, changes);
    const after = { ...before, ...changes };
    const beforeView = toWebhookEndpointView(before);
    const afterView = toWebhookEndpointView(after);
    await audit(trx, organizationId, actor, 'webhook.updated', endpointId, beforeView, afterView, now);
    return afterView;
  });
}

export async function rotateWebhookSecret(
  runtime: Runtime,
  organizationId: string,
  endpointId: string,
  actor: Actor,
): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
  const now = isoNow(runtime.clock);
  const secret = generateWebhookSecret();
  const endpoint = await runtime.store.transaction(async (trx) => {
    const before = await getWebhookEndpoint(trx, organizationId, endpointId);
    const sealed = sealWebhookSecret(runtime.config, endpointId, secret);
    await store.updateWebhookEndpoint(trx, organizationId, endpointId, {
      secret_ciphertext: sealed,
      updated_at: now,
    });
    await audit(trx, organizationId, actor, 'webhook.secret_rotated', endpointId, undefined, undefined, now);
    return toWebhookEndpointView({ ...before, updated_at: now });
  });
  return { endpoint, secret };
}

export async function deleteWebhookEndpoint(
  runtime: Runtime,
  organizationId: string,
  endpointId: string,
  actor: Actor,
): Promise<void> {
  const now = isoNow(runtime.clock);
  await runtime.store.transaction(async (trx) => {
    const before = await getWebhookEndpoint(trx, organizationId, endpointId);
    await store.deleteWebhookEndpoint(trx, organizationId, endpointId);
    const beforeView = toWebhookEndpointView(before);
    await audit(trx, organizationId, actor, 'webhook.deleted', endpointId, beforeView, undefined, now);
  });
}

export async function currentEventSeq(db: Executor, organizationId: string): Promise<number> {
  const row = await db
    .selectFrom('organizations')
    .select('event_seq')
    .where('id', '=', organizationId)
    .executeTakeFirstOrThrow();
  return Number(row.event_seq);
}

/**
 * Receivers are reached over http(s) only, and URLs carrying credentials are refused. Unless
 * private targets are allowed, a URL naming a non-public address (or localhost) is refused here;
 * names that resolve to one are refused when a delivery connects (send-webhook.ts).
 */
export function parseWebhookUrl(raw: string, allowPrivate: boolean): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidInput(`url must be an absolute http(s) URL, got "${raw}"`, 'url');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw invalidInput('url must use https or http', 'url');
  if (url.username !== '' || url.password !== '') {
    throw invalidInput('url must not contain credentials; receivers check the signature instead', 'url');
  }
  if (!allowPrivate && namesNonPublicHost(url.hostname)) {
    throw invalidInput(
      `url must point at a public address, not ${url.hostname} (an operator can allow private ` +
        'targets with ROSTER_WEBHOOKS_ALLOW_PRIVATE=on)',
      'url',
    );
  }
  return url.toString();
}

function namesNonPublicHost(hostname: string): boolean {
  // A trailing dot only marks the name as fully qualified: `localhost.` is `localhost` to DNS.
  const host = hostname
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.+$/, '')
    .toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (!ipaddr.isValid(host)) return false;
  const address = ipaddr.process(host);
  return address.range() !== 'unicast';
}

function parseEventTypes(types: readonly string[]): string[] {
  types.forEach((type, index) => {
    const problem = checkEventTypePattern(type);
    if (problem !== undefined) throw invalidInput(problem, `eventTypes/${index}`);
  });
  return [...new Set(types)];
}

async function audit(
  trx: Executor,
  organizationId: string,
  actor: Actor,
  action: string,
  endpointId: string,
  before: unknown,
  after: unknown,
  now: string,
): Promise<void> {
  await appendAudit(
    trx,
    organizationId,
    actor,
    [{ action, targetType: 'webhook_endpoint', targetId: endpointId, before, after }],
    now,
  );
}
