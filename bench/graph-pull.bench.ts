/**
 * The Graph pull against the Entra emulator, each side in its own process:
 *   download   a bare client fetching the same pages (app role assignments, users/delta,
 *              groups/delta), no database
 *   full       Roster's first sync of the tenant through the road
 *   floor      the rows that sync wrote, copied into a fresh database by a bare loop: what
 *              storing them alone costs here (support/storage-floor.ts)
 *   delta      a round after 100 users changed
 * Roster runs as an operator runs it: `roster serve` from the build (scripts/bench.mjs builds
 * first), set up with the CLI, the sync started and watched over the REST API. Its peak RSS is
 * the server's own (VmHWM), free of this script, the download client and the TypeScript loader.
 * Timings are the run's own record (created → finished), so polling adds nothing to them.
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
import { setTimeout as sleep } from 'node:timers/promises';
import { groupSelect } from '../src/connectors/graph/graph-group.js';
import { userSelect } from '../src/connectors/graph/graph-user.js';
import { startRosterProcess, type RosterProcess } from './support/roster-process.js';
import { measureStorageFloor } from './support/storage-floor.js';

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

interface SyncRun {
  id: string;
  status: string;
  createdAt: string;
  finishedAt: string | null;
  counts: Record<string, number>;
  errors: unknown[];
}

const round = (n: number) => Math.round(n * 100) / 100;

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
  const headers = { authorization: `Bearer ${token.access_token}` };
  // The app role assignments Roster reads for roles.fromSource (the default policy) come first, as in a run.
  const principal = (await (
    await fetch(
      `${settings.graphUrl}/v1.0/servicePrincipals(appId='${settings.clientId}')?$select=id,appRoles`,
      { headers },
    )
  ).json()) as { id: string };
  let objects = 0;
  for (const start of [
    `/servicePrincipals/${principal.id}/appRoleAssignedTo?$select=appRoleId,principalId,principalType&$top=999`,
    `/users/delta?$select=${userSelect({}).join(',')}`,
    `/groups/delta?$select=${groupSelect.join(',')}`,
  ]) {
    let next: string | undefined = `${settings.graphUrl}/v1.0${start}`;
    while (next !== undefined) {
      const page = (await (await fetch(next, { headers })).json()) as {
        value: unknown[];
        '@odata.nextLink'?: string;
      };
      objects += page.value.length;
      next = page['@odata.nextLink'];
    }
  }
  return objects;
}

/** Starts a sync over the REST API and waits for it; seconds are the run's own record. */
async function timedSync(roster: RosterProcess, api: string, key: string, connectionId: string) {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const started = await fetch(`${api}/connections/${connectionId}/sync`, {
    method: 'POST',
    headers,
    body: '{}',
  });
  if (started.status !== 202)
    throw new Error(`sync did not start: ${started.status} ${await started.text()}`);
  let run = (await started.json()) as SyncRun;
  while (run.finishedAt === null) {
    await sleep(50);
    run = (await (await fetch(`${api}/runs/${run.id}`, { headers })).json()) as SyncRun;
  }
  if (run.status !== 'succeeded')
    throw new Error(`the run ${run.status}: ${JSON.stringify(run.errors.slice(0, 3))}`);
  return {
    run,
    seconds: (Date.parse(run.finishedAt) - Date.parse(run.createdAt)) / 1000,
    rss: roster.peakRssMb(),
  };
}

async function main(): Promise<void> {
  const emulator = await startEmulatorProcess();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-bench-graph-'));
  const env: NodeJS.ProcessEnv =
    engine === 'postgres' ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : { ROSTER_DATA_DIR: dataDir };
  const roster = await startRosterProcess(env, 19000 + Math.floor(Math.random() * 1000));
  try {
    const { settings } = emulator;
    const started = performance.now();
    const downloaded = await bareDownload(settings);
    const downloadSeconds = (performance.now() - started) / 1000;

    const cli = roster.cli;
    cli(['org', 'create', 'bench', '--name', 'Bench']);
    const { connectionId } = cli([
      'graph',
      'connect',
      'bench',
      '--tenant-id',
      settings.tenantId,
      '--client-id',
      settings.clientId,
      '--client-secret',
      settings.clientSecret,
      '--login-url',
      settings.loginUrl,
      '--graph-url',
      settings.graphUrl,
      '--interval',
      'off',
    ]);
    const { key } = cli(['apikey', 'create', 'bench', '--name', 'bench']);
    const api = `${roster.url}/api/v1/organizations/bench`;
    const full = await timedSync(roster, api, String(key), String(connectionId));
    const floor = await measureStorageFloor(
      engine === 'postgres'
        ? { postgresUrl: String(process.env.BENCH_DATABASE_URL) }
        : { sqliteFile: path.join(dataDir, 'roster.sqlite') },
    );

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
    const delta = await timedSync(roster, api, String(key), String(connectionId));
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
        peakRssMb: full.rss,
      },
      {
        phase: 'storage floor: the same rows, bare inserts',
        objects: floor.rows,
        seconds: round(floor.seconds),
        objectsPerSecond: Math.round(floor.rows / floor.seconds),
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
      floorOverDownload: round(floor.seconds / downloadSeconds),
      floorSecondsByTable: floor.tables,
      peakRssMb: roster.peakRssMb(),
      notes:
        'emulator, download client and Roster (roster serve from the build) each in its own process on loopback; targets: full ≤ 2× download, RSS ≤ 300 MB, delta ≤ 2 s',
      results,
    };
    fs.mkdirSync('bench/results', { recursive: true });
    fs.writeFileSync(`bench/results/graph-pull-${engine}.json`, `${JSON.stringify(report, null, 2)}\n`);
    console.table(results);
  } finally {
    await roster.stop();
    emulator.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
