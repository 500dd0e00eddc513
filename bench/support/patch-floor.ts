/**
 * The storage floor under "PATCH Add 100 members" on SQLite: the rows those PATCHes wrote (each
 * PATCH: 100 directory memberships, 100 platform memberships, 100 `group.member_added` events),
 * copied by a bare loop into a fresh Roster database (Roster's migrations and settings) and timed.
 * The loop has no HTTP, JSON, lookups or policy, and commits 16 PATCHes at a time: the most any
 * commit can hold when 16 requests are in flight and each is acknowledged only once durable.
 *
 * With 16 requests in flight on one writer, a request waits for the ones ahead of it, so its
 * latency is about 16 × the time one takes (Little's law). 16 × the floor's time per PATCH is
 * therefore the least p50 this schema allows here, before any application code runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import { configureSqlite, openStore } from '../../src/store/database.js';

type Row = Record<string, unknown>;

export interface PatchFloor {
  patches: number;
  seconds: number;
  msPerPatch: number;
  /** inFlight × msPerPatch: the p50 a server storing only these rows would show at that load. */
  impliedP50Ms: number;
}

export async function measurePatchFloor(
  sourceFile: string,
  directoryGroupIds: readonly string[],
  inFlight: number,
): Promise<PatchFloor> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-patch-floor-'));
  const source = new SQLite(sourceFile, { readonly: true });
  try {
    const marks = directoryGroupIds.map(() => '?').join(', ');
    const platformIds = (
      source
        .prepare(`select group_id from directory_groups where id in (${marks})`)
        .all(...directoryGroupIds) as {
        group_id: string;
      }[]
    ).map((row) => row.group_id);
    const platformMarks = platformIds.map(() => '?').join(', ');
    const all = (sql: string, ...args: unknown[]) => source.prepare(sql).all(...args) as Row[];
    const directoryRows = all(
      `select * from directory_memberships where group_id in (${marks}) order by rowid`,
      ...directoryGroupIds,
    );
    const platformRows = all(
      `select * from group_members where group_id in (${platformMarks}) order by rowid`,
      ...platformIds,
    );
    const eventRows = all(
      `select * from events where type = 'group.member_added' and json_extract(data, '$.groupId') in (${platformMarks}) order by seq`,
      ...platformIds,
    );

    await (await openStore({ dataDir })).close();
    const target = new SQLite(path.join(dataDir, 'roster.sqlite'));
    configureSqlite(target);
    try {
      // Set-up, not timed: the parents the memberships' foreign keys point at.
      for (const table of ['organizations', 'connections', 'users', 'groups']) {
        const rows = all(`select * from "${table}" order by rowid`);
        const insert = insertInto(target, table, rows[0]);
        target.transaction(() => rows.forEach((row) => insert?.run(row)))();
      }
      const inserts = {
        directory: insertInto(target, 'directory_memberships', directoryRows[0]),
        platform: insertInto(target, 'group_members', platformRows[0]),
        events: insertInto(target, 'events', eventRows[0]),
      };
      const patches = Math.floor(Math.min(directoryRows.length, platformRows.length, eventRows.length) / 100);
      const commit = target.transaction((first: number, last: number) => {
        for (let i = first * 100; i < last * 100; i++) {
          inserts.directory?.run(directoryRows[i]);
          inserts.platform?.run(platformRows[i]);
          inserts.events?.run(eventRows[i]);
        }
      });
      const started = performance.now();
      for (let first = 0; first < patches; first += inFlight)
        commit(first, Math.min(patches, first + inFlight));
      const seconds = (performance.now() - started) / 1000;
      const msPerPatch = (seconds * 1000) / patches;
      return {
        patches,
        seconds,
        msPerPatch,
        impliedP50Ms: inFlight * msPerPatch,
      };
    } finally {
      target.close();
    }
  } finally {
    source.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function insertInto(db: SQLite.Database, table: string, example: Row | undefined) {
  if (example === undefined) return undefined;
  const columns = Object.keys(example);
  return db.prepare(
    `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map((c) => `@${c}`).join(', ')})`,
  );
}
