/**
 * Replays Entra's provisioning pattern over HTTP (node:http, keep-alive) against a running Roster,
 * 16 requests in flight, on SQLite (durable: WAL, synchronous=FULL) and PostgreSQL:
 *   users      10,000 × (GET /Users?filter=userName eq, then POST /Users)
 *   groups     100 × (GET /Groups?filter=displayName eq, POST /Groups, PATCH Add members in batches of 100)
 *   replace    PATCH Replace of 10,000 users
 *   large      single-member PATCH add+remove on a 50,000-member group, beside the same on a 10-member group
 * Writes bench/results/scim-<engine>.json; scripts/bench.mjs gathers the table in BENCHMARKS.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jsonClient } from './support/json-client.js';
import { measurePatchFloor } from './support/patch-floor.js';
import { runPhase, type PhaseResult } from './support/load.js';
import { startRosterProcess } from './support/roster-process.js';

const inFlight = 16;
const userCount = Number(process.env.BENCH_USERS ?? 10_000);
const largeGroupSize = Number(process.env.BENCH_LARGE_GROUP ?? 50_000);
const engine = (process.env.BENCH_ENGINE ?? 'sqlite') as 'sqlite' | 'postgres';

const user = (n: number) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  externalId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  userName: `user${n}@bench.test`,
  active: true,
  emails: [{ primary: true, type: 'work', value: `user${n}@bench.test` }],
  name: { givenName: `Given${n}`, familyName: `Family${n}` },
  displayName: `Given${n} Family${n}`,
});

const patchOp = (...Operations: unknown[]) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations,
});

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-bench-'));
  const env: NodeJS.ProcessEnv =
    engine === 'postgres' ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : { ROSTER_DATA_DIR: dataDir };
  const roster = await startRosterProcess(env, 18000 + Math.floor(Math.random() * 1000));
  const cli = roster.cli;
  cli(['org', 'create', 'bench', '--name', 'Bench']);
  const connection = cli(['scim', 'connect', 'bench']);
  const client = jsonClient(String(connection.tenantUrl).split('?')[0] ?? '', {
    authorization: `Bearer ${String(connection.token)}`,
  });
  const call = client.call;
  const ids: string[] = [];
  const results: PhaseResult[] = [];

  results.push(
    await runPhase(
      'users: GET userName eq + POST',
      userCount,
      inFlight,
      async (i) => {
        const found = await call(
          'GET',
          `/Users?filter=${encodeURIComponent(`userName eq "user${i}@bench.test"`)}`,
        );
        if (found.status !== 200) return false;
        const created = await call('POST', '/Users', user(i));
        ids[i] = String(created.body.id);
        return created.status === 201;
      },
      2,
    ),
  );

  const groupIds: string[] = [];
  results.push(
    await runPhase(
      'groups: GET displayName eq + POST',
      100,
      inFlight,
      async (g) => {
        const found = await call(
          'GET',
          `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "Group ${g}"`)}`,
        );
        const created = await call('POST', '/Groups', {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
          displayName: `Group ${g}`,
          externalId: `g-${g}`,
        });
        groupIds[g] = String(created.body.id);
        return found.status === 200 && created.status === 201;
      },
      2,
    ),
  );
  const batchesPerGroup = Math.ceil(Math.min(userCount, 1000) / 100);
  results.push(
    await runPhase('groups: PATCH Add 100 members', 100 * batchesPerGroup, inFlight, async (k) => {
      const group = groupIds[k % 100];
      const batch = Math.floor(k / 100);
      const members = ids.slice(batch * 100, batch * 100 + 100).map((value) => ({ $ref: null, value }));
      return (
        (await call('PATCH', `/Groups/${group}`, patchOp({ op: 'Add', path: 'members', value: members })))
          .status === 204
      );
    }),
  );
  // What storing those PATCHes' rows alone costs (SQLite, the target's engine): the least p50 the
  // schema allows at 16 in flight, before HTTP, JSON or any of Roster's code (support/patch-floor.ts).
  const floor =
    engine === 'sqlite'
      ? await measurePatchFloor(path.join(dataDir, 'roster.sqlite'), groupIds, inFlight)
      : undefined;
  if (floor !== undefined) {
    results.push({
      phase: `groups: PATCH Add 100 members, storage floor (bare inserts, ${inFlight} per commit; p50 = ${inFlight} × per PATCH)`,
      requests: floor.patches,
      seconds: round(floor.seconds),
      requestsPerSecond: Math.round(floor.patches / floor.seconds),
      p50Ms: round(floor.impliedP50Ms),
      p95Ms: 0,
      p99Ms: 0,
      errors: 0,
    });
  }
  // The same PATCH alone: what one costs without 15 others queued ahead of it on the one writer.
  const solo = String(
    (await call('POST', '/Groups', { displayName: 'One at a time', externalId: 'g-solo' })).body.id,
  );
  results.push(
    await runPhase('groups: PATCH Add 100 members, 1 in flight', batchesPerGroup * 10, 1, async (b) => {
      const members = ids.slice(b * 100, b * 100 + 100).map((value) => ({ $ref: null, value }));
      return (
        (await call('PATCH', `/Groups/${solo}`, patchOp({ op: 'Add', path: 'members', value: members })))
          .status === 204
      );
    }),
  );

  results.push(
    await runPhase('users: PATCH Replace', userCount, inFlight, async (i) => {
      const body = patchOp(
        { op: 'replace', path: 'emails[type eq "work"].value', value: `user${i}@bench.test` },
        { op: 'replace', value: { 'name.givenName': `Renamed${i}`, title: 'Engineer' } },
      );
      return (await call('PATCH', `/Users/${ids[i]}`, body)).status === 200;
    }),
  );

  // The large group: enough users, then members added 100 per PATCH as Entra does.
  const extra = Math.max(0, largeGroupSize - userCount);
  await runPhase('setup: more users', extra, inFlight, async (j) => {
    const created = await call('POST', '/Users', user(userCount + j));
    ids[userCount + j] = String(created.body.id);
    return created.status === 201;
  });
  const large = String(
    (await call('POST', '/Groups', { displayName: 'Everyone', externalId: 'g-large' })).body.id,
  );
  const small = String(
    (await call('POST', '/Groups', { displayName: 'Ten', externalId: 'g-small' })).body.id,
  );
  await runPhase('setup: fill large group', Math.ceil(largeGroupSize / 100), inFlight, async (b) => {
    const members = ids.slice(b * 100, b * 100 + 100).map((value) => ({ value }));
    return (
      (await call('PATCH', `/Groups/${large}`, patchOp({ op: 'Add', path: 'members', value: members })))
        .status === 204
    );
  });
  await call(
    'PATCH',
    `/Groups/${small}`,
    patchOp({ op: 'Add', path: 'members', value: ids.slice(0, 10).map((value) => ({ value })) }),
  );
  const probe = ids.slice(largeGroupSize - 2000, largeGroupSize);
  const singleMember = (group: string, label: string) =>
    runPhase(label, 2000, inFlight, async (i) => {
      const id = probe[Math.floor(i / 2)];
      const op =
        i % 2 === 0
          ? { op: 'Remove', path: 'members', value: [{ value: id }] }
          : { op: 'Add', path: 'members', value: [{ value: id }] };
      return (await call('PATCH', `/Groups/${group}`, patchOp(op))).status === 204;
    });
  results.push(
    await singleMember(large, `single-member PATCH on ${largeGroupSize.toLocaleString('en')}-member group`),
  );
  results.push(await singleMember(small, 'single-member PATCH on 10-member group'));

  const peakRssMb = roster.peakRssMb();
  client.close();
  await roster.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  const output = {
    benchmark: 'scim-provisioning',
    engine,
    inFlight,
    userCount,
    largeGroupSize,
    peakRssMb,
    ...(floor === undefined
      ? {}
      : { patchFloorMsPerPatch: round(floor.msPerPatch), patchFloorP50Ms: round(floor.impliedP50Ms) }),
    date: new Date().toISOString(),
    notes: 'load generator on the same 2 cores (node:http, keep-alive); Roster from the build',
    results,
  };
  fs.mkdirSync('bench/results', { recursive: true });
  fs.writeFileSync(`bench/results/scim-${engine}.json`, `${JSON.stringify(output, null, 2)}\n`);
  console.log(JSON.stringify(output, null, 2));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

await main();
