/**
 * The event log and webhook delivery, in process, on SQLite (durable: WAL, synchronous=FULL) and
 * PostgreSQL:
 *   append     events appended per second: one event per transaction with 16 writers in flight (as
 *              SCIM requests do), and 100 events per transaction (as a Graph page does)
 *   read       events read per second through the Events API's page reader, pages of 1,000
 *   webhooks   deliveries per second to a receiver on loopback (one endpoint, a burst of events),
 *              and the time from a change's commit to its delivery (p50, p99) at a steady pace
 * Writes bench/results/events-<engine>.json; scripts/bench.mjs gathers the table in BENCHMARKS.md.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config.js';
import { readEventPage } from '../src/events/read-event-page.js';
import { createWebhookEndpoint } from '../src/events/webhooks/webhook-endpoints.js';
import { startWebhookWorker } from '../src/events/webhooks/webhook-worker.js';
import { createLogger } from '../src/logger.js';
import { openRuntime, type Runtime } from '../src/runtime.js';
import { appendEvents } from '../src/store/events.js';
import { createOrganization } from '../src/store/organizations.js';

const engine = (process.env.BENCH_ENGINE ?? 'sqlite') as 'sqlite' | 'postgres';
const singles = Number(process.env.BENCH_EVENTS_SINGLE ?? 5_000);
const batches = Number(process.env.BENCH_EVENT_BATCHES ?? 200);
const burst = Number(process.env.BENCH_WEBHOOK_BURST ?? 5_000);
const paced = Number(process.env.BENCH_WEBHOOK_PACED ?? 500);
const inFlight = 16;

interface Row {
  phase: string;
  items: number;
  seconds: number;
  perSecond: number;
  p50Ms: number | string;
  p99Ms: number | string;
}

const round = (n: number) => Math.round(n * 100) / 100;
const percentile = (sorted: number[], q: number) =>
  round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
const sampleEvent = (i: number) => ({
  type: 'user.updated',
  data: {
    user: { id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, email: `user${i}@bench.test` },
    changed: ['displayName'],
  },
});

async function timed(phase: string, items: number, work: () => Promise<number[]>): Promise<Row> {
  const started = performance.now();
  const latencies = (await work()).sort((a, b) => a - b);
  const seconds = (performance.now() - started) / 1000;
  return {
    phase,
    items,
    seconds: round(seconds),
    perSecond: Math.round(items / seconds),
    p50Ms: latencies.length > 0 ? percentile(latencies, 0.5) : '',
    p99Ms: latencies.length > 0 ? percentile(latencies, 0.99) : '',
  };
}

async function appendOne(runtime: Runtime, organizationId: string, i: number): Promise<void> {
  await runtime.store.transaction((trx) =>
    appendEvents(trx, organizationId, [sampleEvent(i)], new Date().toISOString()),
  );
  runtime.eventBus.notify(organizationId);
}

/** A receiver that notes when each message (by webhook-id) arrived. */
async function startReceiver(): Promise<{
  url: string;
  arrivals: Map<string, number>;
  close(): Promise<void>;
}> {
  const arrivals = new Map<string, number>();
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      arrivals.set(String(request.headers['webhook-id']), performance.now());
      response.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    arrivals,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for deliveries');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-bench-events-'));
  const env: NodeJS.ProcessEnv =
    engine === 'postgres'
      ? { DATABASE_URL: process.env.BENCH_DATABASE_URL, ROSTER_DATA_DIR: dataDir }
      : { ROSTER_DATA_DIR: dataDir };
  // The receiver listens on loopback, which webhooks may target only when allowed.
  const config = loadConfig({ ...env, LOG_LEVEL: 'silent', ROSTER_WEBHOOKS_ALLOW_PRIVATE: 'on' });
  const runtime = await openRuntime(config, {
    logger: createLogger('silent'),
  });
  const now = () => new Date().toISOString();
  const results: Row[] = [];
  try {
    const org = await createOrganization(runtime.store.db, { slug: 'bench', name: 'Bench', now: now() });

    results.push(
      await timed(`append: 1 event per transaction, ${inFlight} in flight`, singles, async () => {
        const latencies: number[] = [];
        let next = 0;
        await Promise.all(
          Array.from({ length: inFlight }, async () => {
            for (let i = next++; i < singles; i = next++) {
              const t0 = performance.now();
              await appendOne(runtime, org.id, i);
              latencies.push(performance.now() - t0);
            }
          }),
        );
        return latencies;
      }),
    );
    results.push(
      await timed('append: 100 events per transaction', batches * 100, async () => {
        const latencies: number[] = [];
        for (let b = 0; b < batches; b += 1) {
          const t0 = performance.now();
          const events = Array.from({ length: 100 }, (_v, i) => sampleEvent(b * 100 + i));
          await runtime.store.transaction((trx) => appendEvents(trx, org.id, events, now()));
          latencies.push(performance.now() - t0);
        }
        return latencies;
      }),
    );
    const total = singles + batches * 100;
    results.push(
      await timed('read: Events API pages of 1,000', total, async () => {
        const latencies: number[] = [];
        let after = 0;
        for (;;) {
          const t0 = performance.now();
          const page = await readEventPage(runtime.store.db, org.id, { after, limit: 1000, types: [] });
          latencies.push(performance.now() - t0);
          after = Number(page.nextCursor);
          if (!page.hasMore) break;
        }
        if (after !== total) throw new Error(`read ${after} of ${total} events`);
        return latencies;
      }),
    );

    const receiver = await startReceiver();
    const hooks = await createOrganization(runtime.store.db, { slug: 'hooks', name: 'Hooks', now: now() });
    await createWebhookEndpoint(runtime, hooks.id, { url: receiver.url }, { type: 'system', id: null });
    const worker = startWebhookWorker(runtime, { pollIntervalMs: 50, concurrency: 32 });
    try {
      results.push(
        await timed(`webhooks: burst of ${burst} changes, deliveries per second`, burst, async () => {
          const before = receiver.arrivals.size;
          for (let b = 0; b < burst; b += 100) {
            const events = Array.from({ length: Math.min(100, burst - b) }, (_v, i) => sampleEvent(b + i));
            await runtime.store.transaction((trx) => appendEvents(trx, hooks.id, events, now()));
            runtime.eventBus.notify(hooks.id);
          }
          await waitFor(() => receiver.arrivals.size - before >= burst, 600_000);
          return [];
        }),
      );
      results.push(
        await timed(`webhooks: ${paced} changes, one every 10 ms, commit to delivery`, paced, async () => {
          const committed = new Map<string, number>();
          for (let i = 0; i < paced; i += 1) {
            const [stored] = await runtime.store.transaction((trx) =>
              appendEvents(trx, hooks.id, [sampleEvent(i)], now()),
            );
            if (stored) committed.set(stored.id, performance.now());
            runtime.eventBus.notify(hooks.id);
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
          await waitFor(() => [...committed.keys()].every((id) => receiver.arrivals.has(id)), 120_000);
          return [...committed].map(([id, at]) => (receiver.arrivals.get(id) ?? at) - at);
        }),
      );
    } finally {
      await worker.stop();
      await receiver.close();
    }
  } finally {
    await runtime.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  fs.mkdirSync('bench/results', { recursive: true });
  const report = {
    benchmark: 'events-and-webhooks',
    engine,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    date: new Date().toISOString(),
    notes: 'in process; webhooks signed per Standard Webhooks to a receiver on loopback',
    results,
  };
  fs.writeFileSync(`bench/results/events-${engine}.json`, `${JSON.stringify(report, null, 2)}\n`);
  console.table(results);
}

await main();
