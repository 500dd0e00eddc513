import { del, get, orgPath, patch, post, type Query } from './client';
import type { Page } from './people';

/** Audit log and webhooks, as the REST API shows them. */
export interface AuditEntry {
  id: string;
  occurredAt: string;
  actor: { type: string; id: string | null };
  action: string;
  targetType: string | null;
  targetId: string | null;
  connectionId: string | null;
  before?: unknown;
  after?: unknown;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  status: 'enabled' | 'disabled';
  /** Why and since when it is disabled: by an admin, or by Roster after every delivery failed. */
  disabledReason: string | null;
  disabledAt: string | null;
  /** The first failure of the current run of failures; null once a delivery succeeds. */
  failingSince: string | null;
  consecutiveFailures: number;
  createdAt: string;
}

export interface WebhookDelivery {
  id: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed';
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
}

export const listAudit = (query: Query) => get<Page<AuditEntry>>(orgPath('/audit'), query);

export const listWebhooks = () => get<Page<WebhookEndpoint>>(orgPath('/webhooks'));
export const createWebhook = (body: { url: string; eventTypes?: string[] }) =>
  post<{ endpoint: WebhookEndpoint; secret: string }>(orgPath('/webhooks'), body);
export const setWebhookStatus = (id: string, status: WebhookEndpoint['status']) =>
  patch<WebhookEndpoint>(orgPath(`/webhooks/${encodeURIComponent(id)}`), { status });
/** A new signing secret, in this answer only; Roster signs with it from the next attempt. */
export const rotateWebhookSecret = (id: string) =>
  post<{ endpoint: WebhookEndpoint; secret: string }>(
    orgPath(`/webhooks/${encodeURIComponent(id)}/rotate-secret`),
  );
export const deleteWebhook = (id: string) => del<unknown>(orgPath(`/webhooks/${encodeURIComponent(id)}`));
export const listDeliveries = (id: string, query: Query = {}) =>
  get<Page<WebhookDelivery>>(orgPath(`/webhooks/${encodeURIComponent(id)}/deliveries`), query);
export const redeliver = (id: string, deliveryId: string) =>
  post<unknown>(
    orgPath(`/webhooks/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(deliveryId)}/redeliver`),
  );
