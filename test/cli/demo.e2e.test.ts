import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';

/**
 * `roster demo --json` as a newcomer runs it: a separate process that prints one line, serves the
 * portal with synced users, and cleans up when interrupted. SQLite only, by design of the demo.
 */
interface DemoLine {
  portalUrl: string;
  signInUrl: string;
  organization: string;
  ssoUser: string;
  scimTenantUrl: string;
  scimToken: string;
  firstSync: { status: string; usersCreated: number };
  dataDir: string;
}

const entry = path.resolve(import.meta.dirname, '../../src/cli/run.ts');

describe('roster demo', { timeout: 120_000 }, () => {
  let child: ChildProcess;
  let line: DemoLine;
  let startedInMs = 0;

  before(async () => {
    const started = Date.now();
    child = spawn(
      process.execPath,
      ['--import', 'tsx', entry, 'demo', '--json', '--port', '0', '--users', '120'],
      {
        env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    line = await new Promise<DemoLine>((resolve, reject) => {
      lines.once('line', (text) => resolve(JSON.parse(text) as DemoLine));
      child.once('exit', (code) => reject(new Error(`roster demo exited with ${code} before printing`)));
    });
    startedInMs = Date.now() - started;
  });
  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  test('prints one JSON line with the portal URL and a one-time sign-in link, in under a minute', () => {
    assert.ok(startedInMs < 60_000, `took ${startedInMs} ms`);
    assert.match(line.portalUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(line.signInUrl.startsWith(`${line.portalUrl}/sign-in/link#link_`));
    assert.equal(line.organization, 'acme');
    assert.equal(line.firstSync.status, 'succeeded');
    assert.ok(line.firstSync.usersCreated >= 120);
    assert.match(line.scimToken, /^scim_/);
  });

  test('the link opens the portal, where the synced users are', async () => {
    const page = await fetch(line.portalUrl);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="root">/);
    const token = new URL(line.signInUrl).hash.slice(1);
    const signIn = await fetch(`${line.portalUrl}/auth/link`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    assert.equal(signIn.status, 200);
    const cookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const users = await fetch(`${line.portalUrl}/api/v1/organizations/acme/users?limit=500`, {
      headers: { cookie },
    });
    assert.equal(users.status, 200);
    const body = (await users.json()) as { data: { source: string; status: string }[] };
    assert.ok(body.data.length >= 120);
    assert.ok(body.data.every((user) => user.source === 'graph'));
  });

  test('stops on Ctrl+C and removes its temporary data', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.equal(fs.existsSync(line.dataDir), false);
  });
});
