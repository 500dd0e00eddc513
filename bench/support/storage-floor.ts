/**
 * The storage floor under a sync: the rows it wrote, copied by a bare loop into a fresh Roster
 * database (made by Roster's own migrations, opened with Roster's settings) and timed. The loop
 * holds no application logic at all (no lookups, no policy, no JSON) and takes the most
 * favourable commit pattern there is: one transaction per table, rows in the order the sync wrote
 * them. So a sync that stores these rows in this schema, durably, gets no faster than this on
 * this machine, and the bench can show how much of a target the database alone uses up.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { configureSqlite, openStore } from '../../src/store/database.js';

/** Parents first, so every foreign key finds its row. The first two are set-up, not timed. */
const tables = [
  'organizations',
  'connections',
  'directory_users',
  'directory_user_policy',
  'users',
  'directory_groups',
  'groups',
  'directory_memberships',
  'group_members',
  'events',
] as const;
const setUp = new Set<string>(['organizations', 'connections']);

type Row = Record<string, unknown>;

export interface StorageFloor {
  rows: number;
  seconds: number;
  /** Seconds per table, in the order copied. */
  tables: Record<string, number>;
}

/** `source` is the synced database: a SQLite file, or a PostgreSQL URL. */
export async function measureStorageFloor(
  source: { sqliteFile: string } | { postgresUrl: string },
): Promise<StorageFloor> {
  return 'sqliteFile' in source ? sqliteFloor(source.sqliteFile) : postgresFloor(source.postgresUrl);
}

async function sqliteFloor(sourceFile: string): Promise<StorageFloor> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-floor-'));
  const source = new SQLite(sourceFile, { readonly: true });
  try {
    await (await openStore({ dataDir })).close();
    const target = new SQLite(path.join(dataDir, 'roster.sqlite'));
    configureSqlite(target);
    return await timeTables((table) => {
      const rows = source.prepare(`select * from "${table}" order by rowid`).all() as Row[];
      return {
        rows: rows.length,
        copy: () => {
          const [first] = rows;
          if (first === undefined) return;
          const columns = Object.keys(first);
          const insert = target.prepare(
            `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map((c) => `@${c}`).join(', ')})`,
          );
          target.transaction(() => {
            for (const row of rows) insert.run(row);
          })();
        },
      };
    }).finally(() => target.close());
  } finally {
    source.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function postgresFloor(sourceUrl: string): Promise<StorageFloor> {
  const floorUrl = new URL(sourceUrl);
  const database = `${floorUrl.pathname.slice(1)}_floor`;
  floorUrl.pathname = `/${database}`;
  const source = new pg.Client({ connectionString: sourceUrl });
  await source.connect();
  await source.query(`create database ${database}`);
  const target = new pg.Client({ connectionString: floorUrl.toString() });
  try {
    await (await openStore({ databaseUrl: floorUrl.toString() })).close();
    await target.connect();
    // Rows in heap order, which for tables only ever appended to is the order they were written.
    const read = async (table: string) =>
      (await source.query<Row>(`select * from "${table}" order by ctid`)).rows;
    const all = new Map<string, Row[]>();
    for (const table of tables) all.set(table, await read(table));
    return await timeTables((table) => {
      const rows = all.get(table) ?? [];
      return {
        rows: rows.length,
        copy: async () => {
          const [first] = rows;
          if (first === undefined) return;
          const columns = Object.keys(first);
          // As many rows per statement as PostgreSQL's 65,535 parameters allow, up to 1,000.
          const perStatement = Math.min(1000, Math.floor(65535 / columns.length));
          await target.query('begin');
          for (let i = 0; i < rows.length; i += perStatement) {
            const batch = rows.slice(i, i + perStatement);
            const values = batch.map(
              (_, r) => `(${columns.map((_c, c) => `$${r * columns.length + c + 1}`).join(', ')})`,
            );
            await target.query(
              `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${values.join(', ')}`,
              batch.flatMap((row) => columns.map((c) => row[c])),
            );
          }
          await target.query('commit');
        },
      };
    });
  } finally {
    await target.end();
    await source.query(`drop database if exists ${database}`);
    await source.end();
  }
}

async function timeTables(
  load: (table: string) => { rows: number; copy: () => void | Promise<void> },
): Promise<StorageFloor> {
  const floor: StorageFloor = { rows: 0, seconds: 0, tables: {} };
  for (const table of tables) {
    const { rows, copy } = load(table);
    const started = performance.now();
    await copy();
    if (setUp.has(table)) continue;
    const seconds = (performance.now() - started) / 1000;
    floor.rows += rows;
    floor.seconds += seconds;
    floor.tables[table] = Math.round(seconds * 100) / 100;
  }
  return floor;
}
