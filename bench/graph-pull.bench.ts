/**
 * The Graph pull against the Entra emulator (a separate process, so Roster's memory is its own):
 *   download   a bare client fetching the same users/delta and groups/delta pages, no database
 *   full       Roster's first sync of the tenant through the road
 *   delta      a round after 100 users changed
 * Targets (issue 3): full ≤ 2× download, peak RSS ≤ 300 MB, delta ≤ 2 s whatever the size.
 * Sizes: BENCH_GRAPH_USERS (100,000), BENCH_GRAPH_GROUPS (1,000).
 * Writes bench/results/graph-pull-<engine>.json; scripts/bench.mjs gathers BENCHMARKS.md.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import type { Runtime } from '../src/runtime.js';

// Roster runs from its build, as `npm start` runs it (scripts/bench.mjs builds first): the source
// under tsx would add the compiler's memory to the peak RSS measured here.
const load = <T>(module: string): Promise<T> => import(`../dist/${module}.js`) as Promise<T>;
const { loadConfig } = await load<typeof import('../src/config.js')>('config');
const { createGraphConnection } = await load<typeof import('../src/connectors/graph/graph-connections.js')>(
  'connectors/graph/graph-connections',
);
const { groupSelect } = await load<typeof import('../src/connectors/graph/graph-group.js')>(
  'connectors/graph/graph-group',
);
const { userSelect } = await load<typeof import('../src/connectors/graph/graph-user.js')>(
  'connectors/graph/graph-user',
);
const { createLogger } = await load<typeof import('../src/logger.js')>('logger');
const { openRuntime } = await load<typeof import('../src/runtime.js')>('runtime');
const { createOrganization } =
  await load<typeof import('../src/store/organizations.js')>('store/organizations');
const { startSyncRun, waitForSyncRun } =
  await load<typeof import('../src/sync/runs/start-sync-run.js')>('sync/runs/start-sync-run');

const engine = (process.env.BENCH_ENGINE ?? 'sqlite') as 'sqlite' | 'postgres';
const users = Number(process.env.BENCH_GRAPH_USERS ?? 100_000);
const groups = Number(process.env.BENCH_GRAPH_GROUPS ?? 1_000);

interface EmulatorSettings {
  url: string;
  loginUrl: string;
  graphUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

const round = (n: number) => Math.round(n * 100) / 100;
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function startEmulatorProcess(): Promise<{ settings: EmulatorSettings; stop(): void }> {
  const child = spawn(
    process.execPath,
    [
      path.resolve('bin/roster.js'),
      'emulator',
      '--port',
      '0',
      '--users',
      String(users),
      '--groups',
      String(groups),
      '--seed',
      '1',
      '--json',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the emulator exited (${code})`)));
  });
  return { settings: JSON.parse(line) as EmulatorSettings, stop: () => child.kill('SIGTERM') };
}

/** What any client must do to read the tenant: the floor Roster's full sync is measured against. */
async function bareDownload(settings: EmulatorSettings): Promise<number> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: settings.clientId,
    client_secret: settings.clientSecret,
    scope: `${settings.graphUrl}/.default`,
  });
  const token = (await (
    await fetch(`${settings.loginUrl}/${settings.tenantId}/oauth2/v2.0/token`, { method: 'POST', body: form })
  ).json()) as {
    access_token: string;
  };
  let objects = 0;
  for (const start of [
    `/users/delta?$select=${userSelect({}).join(',')}`,
    `/groups/delta?$select=${groupSelect.join(',')}`,
  ]) {
    let next: string | undefined = `${settings.graphUrl}/v1.0${start}`;
    while (next !== undefined) {
      const page = (await (
        await fetch(next, { headers: { authorization: `Bearer ${token.access_token}` } })
      ).json()) as {
        value: unknown[];
        '@odata.nextLink'?: string;
      };
      objects += page.value.length;
      next = page['@odata.nextLink'];
    }
  }
  return objects;
}

async function timedSync(runtime: Runtime, connectionId: string) {
  const started = performance.now();
  const run = await waitForSyncRun(runtime, await startSyncRun(runtime, connectionId, { trigger: 'manual' }));
  if (run.status !== 'succeeded')
    throw new Error(`the run ${run.status}: ${JSON.stringify(run.errors.slice(0, 3))}`);
  return { run, seconds: (performance.now() - started) / 1000 };
}

async function main(): Promise<void> {
  const emulator = await startEmulatorProcess();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-bench-graph-'));
  const env = {
    ROSTER_DATA_DIR: dataDir,
    ...(engine === 'postgres' ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}),
  };
  const runtime = await openRuntime(loadConfig({ ...env, LOG_LEVEL: 'silent' }), {
    logger: createLogger('silent'),
  });
  try {
    const { settings } = emulator;
    let started = performance.now();
    const downloaded = await bareDownload(settings);
    const downloadSeconds = (performance.now() - started) / 1000;

    await createOrganization(runtime.store.db, {
      slug: 'bench',
      name: 'Bench',
      now: new Date().toISOString(),
    });
    const { connectionId } = await createGraphConnection(
      runtime,
      'bench',
      {
        tenantId: settings.tenantId,
        clientId: settings.clientId,
        clientSecret: settings.clientSecret,
        loginUrl: settings.loginUrl,
        graphUrl: settings.graphUrl,
      },
      { type: 'system', id: null },
    );
    const full = await timedSync(runtime, connectionId);
    const fullRss = peakRssMb();

    const listed = (await (await fetch(`${settings.url}/_emulator/users?offset=0&limit=100`)).json()) as {
      value: { id: string }[];
    };
    const ids = listed.value.map((user) => user.id);
    for (const id of ids) {
      await fetch(`${settings.url}/_emulator/users/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jobTitle: 'Benchmarked' }),
      });
    }
    started = performance.now();
    const delta = await timedSync(runtime, connectionId);
    const c = full.run.counts;
    const results = [
      {
        phase: 'download (bare client)',
        objects: downloaded,
        seconds: round(downloadSeconds),
        objectsPerSecond: Math.round(downloaded / downloadSeconds),
      },
      {
        phase: 'full sync',
        objects: downloaded,
        seconds: round(full.seconds),
        objectsPerSecond: Math.round(downloaded / full.seconds),
        usersCreated: c.usersCreated ?? 0,
        groupsCreated: c.groupsCreated ?? 0,
        membershipsAdded: c.membershipsAdded ?? 0,
        peakRssMb: fullRss,
      },
      {
        phase: `delta round (${ids.length} users changed)`,
        objects: delta.run.counts.usersUpdated ?? 0,
        seconds: round(delta.seconds),
      },
    ];
    const report = {
      benchmark: 'graph-pull',
      engine,
      users,
      groups,
      fullOverDownload: round(full.seconds / downloadSeconds),
      peakRssMb: peakRssMb(),
      notes:
        'emulator in its own process on loopback; Roster in process; targets: full ≤ 2× download, RSS ≤ 300 MB, delta ≤ 2 s',
      results,
    };
    fs.mkdirSync('bench/results', { recursive: true });
    fs.writeFileSync(`bench/results/graph-pull-${engine}.json`, `${JSON.stringify(report, null, 2)}\n`);
    console.table(results);
  } finally {
    await runtime.close();
    emulator.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
