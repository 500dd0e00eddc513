// `npm run bench`: builds Roster, then runs every bench/*.bench.ts once per engine (SQLite, and
// PostgreSQL on a throwaway server or BENCH_DATABASE_URL), each against a fresh database. A bench
// writes bench/results/<name>-<engine>.json as { benchmark, engine, peakRssMb?, notes?, results: [row…] };
// this script then renders every results file into BENCHMARKS.md.
// Only loopback is ever a target. Pass file names to run some benches only.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startThrowawayPostgres } from './postgres.mjs';

const only = process.argv.slice(2);
const benches = fs
  .readdirSync('bench')
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });

let server;
let adminUrl = process.env.BENCH_DATABASE_URL;
if (!adminUrl) {
  server = startThrowawayPostgres();
  adminUrl = server.url;
}

let failed = false;
try {
  for (const file of benches) {
    for (const engine of ['sqlite', 'postgres']) {
      const env = { ...process.env, BENCH_ENGINE: engine };
      let database;
      if (engine === 'postgres') {
        database = `bench_${Date.now()}`;
        await adminQuery(adminUrl, `create database ${database}`);
        const url = new URL(adminUrl);
        url.pathname = `/${database}`;
        env.BENCH_DATABASE_URL = url.toString();
      }
      console.log(`\n=== ${file} on ${engine} ===`);
      const result = spawnSync(process.execPath, ['--import', 'tsx', path.join('bench', file)], {
        stdio: 'inherit',
        env,
      });
      if (result.status !== 0) failed = true;
      if (database) await adminQuery(adminUrl, `drop database if exists ${database} with (force)`);
    }
  }
} finally {
  server?.stop();
}
writeReport();
process.exit(failed ? 1 : 0);

async function adminQuery(url, text) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(text);
  await client.end();
}

function writeReport() {
  const files = fs
    .readdirSync('bench/results')
    .filter((f) => f.endsWith('.json'))
    .sort();
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (scripts/bench.mjs) from `bench/results/*.json`; numbers from the machine it last ran on',
    '(2 cores, 24 GiB), with everything on loopback. Targets are in the issues; tests never assert timings.',
    '',
  ];
  for (const file of files) {
    const data = JSON.parse(fs.readFileSync(path.join('bench/results', file), 'utf8'));
    lines.push(`## ${data.benchmark} — ${data.engine}`, '');
    const facts = Object.entries(data).filter(([k]) => !['benchmark', 'engine', 'results'].includes(k));
    const fact = (v) =>
      typeof v === 'object' && v !== null
        ? Object.entries(v)
            .map(([k, x]) => `${k} ${x}`)
            .join(', ')
        : v;
    if (facts.length > 0) lines.push(facts.map(([k, v]) => `${k}: **${fact(v)}**`).join(' · '), '');
    const rows = Array.isArray(data.results) ? data.results : [];
    if (rows.length > 0) {
      const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
      lines.push(`| ${columns.join(' | ')} |`, `| ${columns.map(() => '---').join(' | ')} |`);
      for (const row of rows) lines.push(`| ${columns.map((c) => row[c] ?? '').join(' | ')} |`);
      lines.push('');
    }
  }
  fs.writeFileSync('BENCHMARKS.md', `${lines.join('\n')}\n`);
}
