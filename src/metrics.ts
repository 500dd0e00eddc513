import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Runtime } from './runtime.js';

/**
 * Prometheus metrics at `GET /metrics` (prom-client). Per process: HTTP requests by route and
 * status, store transactions and commits (on SQLite, group commit makes commits fewer), and Node's
 * own (CPU, memory, event-loop lag, GC). Read from the database at scrape time, so the same in every
 * process: outbox backlogs (webhook deliveries, enrollment emails) and sync runs under way.
 * Nothing is labelled by organization: a scrape shows how Roster runs, not who uses it.
 */
export function registerMetrics(app: FastifyInstance, runtime: Runtime): void {
  if (!runtime.config.metrics.enabled) return;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'roster_' });

  const requests = new Histogram({
    name: 'roster_http_request_duration_seconds',
    help: 'HTTP requests by method, route and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    requests.observe(
      {
        method: request.method,
        // The route's pattern (`/scim/v2/:connectionId/Users`), never the URL: ids would make a
        // series per connection and user.
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });

  const { store } = runtime;
  new Counter({
    name: 'roster_store_transactions_total',
    help: 'Transactions run through the store (each change batch is one)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(store.stats.transactions);
    },
  });
  new Counter({
    name: 'roster_store_commits_total',
    help: 'Durable commits; on SQLite concurrent transactions share one (group commit)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(store.stats.commits);
    },
  });

  const statusGauge = (name: string, help: string, table: StatusTable, statuses: readonly OpenStatus[]) =>
    new Gauge({
      name,
      help,
      labelNames: ['status'] as const,
      registers: [registry],
      async collect() {
        const rows = await store.db
          .selectFrom(table)
          .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
          .where('status', 'in', statuses)
          .groupBy('status')
          .execute();
        for (const status of statuses) {
          const row = rows.find((r) => r.status === status);
          this.set({ status }, row === undefined ? 0 : Number(row.count));
        }
      },
    });
  statusGauge(
    'roster_webhook_deliveries',
    'Webhook deliveries not yet delivered, by status (pending: due or waiting to retry)',
    'webhook_deliveries',
    ['pending', 'failed'],
  );
  statusGauge(
    'roster_enrollment_emails',
    'Enrollment emails not yet sent, by status (failed: gave up, waits for an admin retry)',
    'enrollment_emails',
    ['pending', 'failed'],
  );
  statusGauge('roster_sync_runs', 'Graph sync runs waiting or under way, by status', 'sync_runs', [
    'queued',
    'running',
  ]);

  const token = runtime.config.metrics.token;
  app.get('/metrics', async (request, reply) => {
    if (token !== undefined && !bearerMatches(request.headers.authorization, token)) {
      return reply
        .code(401)
        .header('WWW-Authenticate', 'Bearer realm="roster-metrics"')
        .type('text/plain')
        .send('A bearer token is required (ROSTER_METRICS_TOKEN)\n');
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}

type StatusTable = 'webhook_deliveries' | 'enrollment_emails' | 'sync_runs';
/** Statuses of work not finished yet, in those tables. */
type OpenStatus = 'pending' | 'failed' | 'queued' | 'running';

function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (presented === undefined) return false;
  // Digests have equal length, so the comparison time says nothing about the token.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(token));
}
