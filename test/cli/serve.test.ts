import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { roster } from '../support/cli.js';
import { freePort } from '../support/roster.js';

const entry = path.resolve(import.meta.dirname, '../../src/cli/run.ts');

describe('roster serve', () => {
  test('starts on the embedded SQLite in the data folder it is given, creating the database', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-serve-'));
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', entry, 'serve', '--port', String(port), '--data', dataDir],
      {
        env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '' },
        stdio: 'ignore',
      },
    );
    try {
      let healthy = false;
      for (let i = 0; i < 100 && !healthy; i += 1) {
        healthy = await fetch(`http://127.0.0.1:${port}/healthz`)
          .then((r) => r.ok)
          .catch(() => false);
        if (!healthy) await sleep(100);
      }
      assert.ok(healthy, 'the server answers on the port it was given');
      assert.ok(
        fs.existsSync(path.join(dataDir, 'roster.sqlite')),
        'the database file was created in the data folder',
      );
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('a bad setting stops it with a message naming the setting', async () => {
    const badPort = await roster(['serve'], { PORT: 'eighty', DATABASE_URL: '' });
    assert.notEqual(badPort.code, 0);
    assert.match(badPort.stderr, /PORT must be a port number/);
    const badUrl = await roster(['serve'], { DATABASE_URL: 'mysql://nope' });
    assert.notEqual(badUrl.code, 0);
    assert.match(badUrl.stderr, /DATABASE_URL must start with postgres:\/\//);
    const badPublic = await roster(['org', 'list'], { ROSTER_PUBLIC_URL: 'not a url', DATABASE_URL: '' });
    assert.match(badPublic.stderr, /ROSTER_PUBLIC_URL must be an absolute http\(s\) URL/);
  });
});
