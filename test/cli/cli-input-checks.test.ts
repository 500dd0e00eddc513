import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { makeCertificate } from '../emulator/support.js';
import { roster } from '../support/cli.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { connectScimWithCli, entraUser } from '../support/scim-client.js';

/**
 * What the CLI takes from the command line and the environment is checked before it reaches the
 * database or the emulator: a typo is refused with a message naming the flag or setting (exit 2,
 * or 1 for options that cannot go together), never turned into another value or a raw error.
 */
for (const engine of engines) {
  describe(`roster command-line values that reach the database, on ${engine}`, () => {
    let server: TestRoster;
    let connectionId = '';
    let scim: Awaited<ReturnType<typeof connectScimWithCli>>['scim'];

    before(async () => {
      server = await startTestRoster(engine);
      ({ connectionId, scim } = await connectScimWithCli(server.env));
    });
    after(() => server.close());

    test('policy seat-limit takes decimal digits or none, and refuses anything else', async () => {
      for (const limit of ['', ' ', '0x10', '1e3', '1.5', '-1', '99999999999999999999', 'null']) {
        const result = await roster(['policy', 'seat-limit', 'acme', limit], server.env);
        assert.equal(result.code, 2, `${limit}: ${result.stderr}`);
        assert.equal(
          result.stderr,
          `roster: seat limit must be a whole number of users (0 or more), or none for no limit; got "${limit}"\n`,
        );
      }
      // Nothing was stored: an empty limit read as 0 used to refuse every user Entra pushed.
      const created = await scim.post('/Users', entraUser(1));
      assert.equal(created.status, 201);

      const set = await roster(['policy', 'seat-limit', 'acme', '5'], server.env);
      assert.equal(set.stdout, 'Seat limit: 5\n');
      const removed = await roster(['policy', 'seat-limit', 'acme', 'none'], server.env);
      assert.equal(removed.stdout, 'Seat limit: none\n');
    });

    test('runs --limit is a whole number from 1 to 10000', async () => {
      for (const limit of ['-1', '0', '1.5', 'abc', '10001', '1e3']) {
        const result = await roster(['runs', connectionId, '--limit', limit], server.env);
        assert.equal(result.code, 2, `${limit}: ${result.stderr}`);
        assert.equal(result.stderr, 'roster: --limit must be 1–10000\n');
      }
      const listed = await roster(['runs', connectionId, '--limit', '1', '--json'], server.env);
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual(JSON.parse(listed.stdout), []);
    });

    test('users list --status refuses a status users cannot have, as the API does', async () => {
      const result = await roster(['users', 'list', 'acme', '--status', 'bogus'], server.env);
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stderr, 'roster: --status must be one of: active, inactive, pending\n');
      assert.equal(result.stdout, '');

      const active = await roster(['users', 'list', 'acme', '--status', 'active', '--json'], server.env);
      assert.equal(active.code, 0, active.stderr);
      assert.equal((JSON.parse(active.stdout) as unknown[]).length, 1);
    });

    test('graph connect refuses a client secret and a certificate file together', async () => {
      const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-cert-'));
      try {
        const certificate = makeCertificate();
        const pem = path.join(folder, 'app.pem');
        fs.writeFileSync(pem, `${certificate.certificatePem}${certificate.privateKeyPem}`);
        const connect = (credential: string[], env: NodeJS.ProcessEnv = {}) =>
          roster(
            [
              'graph',
              'connect',
              'acme',
              '--tenant-id',
              '11111111-2222-3333-4444-555555555555',
              '--client-id',
              'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
              ...credential,
              '--json',
            ],
            { ...server.env, ...env },
          );

        const both = await connect(['--client-secret', 'x', '--certificate-file', pem]);
        assert.equal(both.code, 2, both.stderr);
        assert.equal(
          both.stderr,
          'roster: Give exactly one credential: a client secret or a certificate file\n',
        );

        // The environment's secret is only a fallback for --client-secret: a certificate wins.
        const certificateOnly = await connect(['--certificate-file', pem], {
          ROSTER_GRAPH_CLIENT_SECRET: 'from-the-environment',
        });
        assert.equal(certificateOnly.code, 0, certificateOnly.stderr);
        const created = JSON.parse(certificateOnly.stdout) as { connectionId: string };

        const rotated = await roster(
          ['graph', 'rotate', created.connectionId, '--client-secret', 'y', '--certificate-file', pem],
          server.env,
        );
        assert.equal(rotated.code, 2, rotated.stderr);
        assert.match(rotated.stderr, /Give exactly one credential/);
      } finally {
        fs.rmSync(folder, { recursive: true, force: true });
      }
    });
  });
}

describe('roster command-line values checked before anything opens', () => {
  let folder: string;
  let env: NodeJS.ProcessEnv;

  before(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-input-'));
    env = { DATABASE_URL: '', ROSTER_DATA_DIR: path.join(folder, 'data'), LOG_LEVEL: 'silent' };
  });
  after(() => fs.rmSync(folder, { recursive: true, force: true }));

  test('policy set says when the policy file cannot be read', async () => {
    const missing = await roster(['policy', 'set', 'any', '--file', path.join(folder, 'nonexist.json')], env);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /^roster: The policy file could not be read: ENOENT: no such file/);

    const folderGiven = await roster(['policy', 'set', 'any', '--file', folder], env);
    assert.equal(folderGiven.code, 2, folderGiven.stderr);
    assert.match(folderGiven.stderr, /^roster: The policy file could not be read: EISDIR/);
  });

  test('policy set refuses --dry-run with --apply rather than doing only the dry run', async () => {
    const result = await roster(['policy', 'set', 'any', '--file', 'p.json', '--dry-run', '--apply'], env);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /option '--dry-run' cannot be used with option '--apply'/);
  });

  test('emulator and demo name the flag and its range, and exit 2', async () => {
    const cases: [string[], string][] = [
      [['emulator', '--port', '99999'], '--port must be a whole number from 0 to 65535, got "99999"'],
      [['emulator', '--port', 'abc'], '--port must be a whole number from 0 to 65535, got "abc"'],
      [['emulator', '--users', '0x10'], '--users must be a whole number from 0 to 10000000, got "0x10"'],
      [['emulator', '--seed', '-1'], '--seed must be a whole number 0 or more, got "-1"'],
      [
        ['demo', '--emulator-port', 'abc'],
        '--emulator-port must be a whole number from 0 to 65535, got "abc"',
      ],
      [['demo', '--seed', 'abc'], '--seed must be a whole number 0 or more, got "abc"'],
      [['demo', '--groups', '1e3'], '--groups must be a whole number from 0 to 1000000, got "1e3"'],
      [['demo', '--port', 'abc'], '--port must be a port number from 0 to 65535, got "abc"'],
    ];
    for (const [args, message] of cases) {
      const result = await roster(args, env);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stderr, `roster: ${message}\n`);
    }
  });

  test('ROSTER_PUBLIC_URL refuses a query, a fragment and credentials, which would land in every Tenant URL', async () => {
    const cases: [string, RegExp][] = [
      ['https://example.com/?x=1', /ROSTER_PUBLIC_URL must not have a query \(\?…\) or fragment \(#…\)/],
      ['https://example.com/?', /ROSTER_PUBLIC_URL must not have a query/],
      ['https://example.com/roster#top', /ROSTER_PUBLIC_URL must not have a query/],
      ['https://admin:secret@example.com', /ROSTER_PUBLIC_URL must not contain a user name or password/],
      // The password is never quoted back, whatever else is wrong with the value.
      ['https://admin:secret@example.com/?x=1', /ROSTER_PUBLIC_URL must not contain a user name or password/],
    ];
    for (const [publicUrl, message] of cases) {
      const result = await roster(['org', 'list'], { ...env, ROSTER_PUBLIC_URL: publicUrl });
      assert.equal(result.code, 2, `${publicUrl}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /secret/);
    }
    const plain = await roster(['org', 'list'], { ...env, ROSTER_PUBLIC_URL: 'https://example.com/roster/' });
    assert.equal(plain.code, 0, plain.stderr);
  });

  test('an empty ROSTER_DATA_DIR or --data is unset: the database goes to ./data', async () => {
    for (const [name, args, dataDir] of [
      ['empty-env', [], ''],
      ['empty-flag', ['--data', ''], undefined],
    ] as const) {
      const cwd = path.join(folder, name);
      fs.mkdirSync(cwd);
      const result = await rosterIn(cwd, [...args, 'org', 'create', 'acme', '--name', 'Acme'], {
        ...env,
        ROSTER_DATA_DIR: dataDir,
      });
      assert.equal(result.code, 0, `${name}: ${result.stderr}`);
      assert.ok(fs.existsSync(path.join(cwd, 'data', 'roster.sqlite')), name);
      assert.ok(!fs.existsSync(path.join(cwd, 'roster.sqlite')), name);
    }
  });

  test('a file in the way of the data folder is named as it was given: --data or ROSTER_DATA_DIR', async () => {
    const file = path.join(folder, 'a-file');
    fs.writeFileSync(file, '');
    const flag = await roster(['--data', file, 'org', 'list'], env);
    assert.equal(flag.code, 2, flag.stderr);
    assert.equal(
      flag.stderr,
      `roster: --data must be a folder for the SQLite database: "${file}" is a file\n`,
    );

    const under = await roster(['--data', path.join(file, 'data'), 'org', 'list'], env);
    assert.equal(under.code, 2, under.stderr);
    assert.equal(
      under.stderr,
      `roster: --data must be a folder for the SQLite database: "${path.join(file, 'data')}" lies under a file\n`,
    );

    const setting = await roster(['org', 'list'], { ...env, ROSTER_DATA_DIR: file });
    assert.equal(setting.code, 2, setting.stderr);
    assert.equal(
      setting.stderr,
      `roster: ROSTER_DATA_DIR must be a folder for the SQLite database: "${file}" is a file\n`,
    );
  });
});

const run = promisify(execFile);

/** `roster …` from the sources in another working folder (test/support/cli.ts runs in this one). */
async function rosterIn(
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ stdout: string; stderr: string; code: number }> {
  const entry = path.resolve(import.meta.dirname, '../../src/cli/run.ts');
  // tsx is resolved from here: the working folder has no node_modules.
  const tsx = import.meta.resolve('tsx');
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', tsx, entry, ...args], {
      cwd,
      env: { ...process.env, ...env },
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: failed.stdout ?? '', stderr: failed.stderr ?? '', code: failed.code ?? 1 };
  }
}
