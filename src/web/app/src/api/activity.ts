import { del, get, orgPath, post, type Query } from './client';
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
  disabledReason: string | null;
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
export const deleteWebhook = (id: string) => del<unknown>(orgPath(`/webhooks/${encodeURIComponent(id)}`));
export const listDeliveries = (id: string, query: Query = {}) =>
  get<Page<WebhookDelivery>>(orgPath(`/webhooks/${encodeURIComponent(id)}/deliveries`), query);
export const redeliver = (id: string, deliveryId: string) =>
  post<unknown>(
    orgPath(`/webhooks/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(deliveryId)}/redeliver`),
  );
