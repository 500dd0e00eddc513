import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { engines } from '../../support/engines.js';
import { startTestRoster, type TestRoster } from '../../support/roster.js';
import { FakeTenant } from './support/fake-tenant.js';

/** The CLI contract of issue 3, spawned as an admin would run it, against a tenant on loopback. */
const cli = ['--import', 'tsx', 'src/cli/run.ts'];

for (const engine of engines) {
  describe(`roster graph and roster sync on ${engine}`, () => {
    let roster: TestRoster;
    let tenant: FakeTenant;
    let connectionId = '';

    // Asynchronous on purpose: the tenant answers from this process, so the CLI must not block it.
    const run = (...args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [...cli, ...args], { env: { ...process.env, ...roster.env } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.once('close', (status) => resolve({ status, stdout, stderr }));
      });
    const json = async <T>(...args: string[]): Promise<T> => {
      const result = await run(...args, '--json');
      assert.ok(/^[[{]/.test(result.stdout.trim()), result.stderr);
      return JSON.parse(result.stdout) as T;
    };

    before(async () => {
      tenant = new FakeTenant(40, 4);
      await tenant.start();
      roster = await startTestRoster(engine, { ROSTER_SECRET_KEY: 'ef'.repeat(32) });
      assert.equal((await run('org', 'create', 'acme', '--name', 'Acme')).status, 0);
    });
    after(async () => {
      await roster.close();
      await tenant.close();
    });

    test('graph connect prints the connection and never the secret', async () => {
      const result = await run(
        'graph',
        'connect',
        'acme',
        '--tenant-id',
        tenant.tenantId,
        '--client-id',
        tenant.clientId,
        '--client-secret',
        tenant.clientSecret,
        '--secret-expires',
        '2099-01-01',
        '--login-url',
        tenant.url,
        '--graph-url',
        tenant.url,
        '--interval',
        '15m',
        '--json',
      );
      assert.equal(result.status, 0, result.stderr);
      assert.doesNotMatch(result.stdout, new RegExp(tenant.clientSecret));
      const created = JSON.parse(result.stdout) as {
        connectionId: string;
        interval: string;
        graphUrl: string;
      };
      assert.equal(created.interval, '15m');
      assert.equal(created.graphUrl, tenant.url);
      connectionId = created.connectionId;
    });

    test('graph schedule changes how often the connection syncs, and refuses nonsense', async () => {
      const hourly = await json<{ interval: string }>('graph', 'schedule', connectionId, '1h');
      assert.equal(hourly.interval, '1h');
      const refused = await run('graph', 'schedule', connectionId, 'fortnightly');
      assert.notEqual(refused.status, 0);
      assert.match(refused.stderr, /interval must be 15m, 1h/);
      const back = await json<{ interval: string }>('graph', 'schedule', connectionId, '15m');
      assert.equal(back.interval, '15m');
    });

    test('graph test and graph groups answer in JSON', async () => {
      const report = await json<{ ok: boolean; roles: string[] }>('graph', 'test', connectionId);
      assert.equal(report.ok, true);
      assert.deepEqual(report.roles, ['User.Read.All', 'Group.Read.All']);
      const groups = await json<{ id: string; displayName: string }[]>(
        'graph',
        'groups',
        connectionId,
        '--search',
        'g',
      );
      assert.equal(groups.length, 4);
    });

    test('sync prints the summary of the contract', async () => {
      const summary = await json<Record<string, unknown>>('sync', connectionId);
      assert.deepEqual(Object.keys(summary), [
        'runId',
        'status',
        'usersCreated',
        'usersUpdated',
        'usersDeactivated',
        'usersReactivated',
        'usersDeleted',
        'groupsCreated',
        'groupsUpdated',
        'groupsDeleted',
        'membershipsAdded',
        'membershipsRemoved',
        'errors',
      ]);
      assert.equal(summary.status, 'succeeded');
      assert.equal(summary.usersCreated, 40);
      assert.equal(summary.membershipsAdded, 40);
      const users = await json<{ externalId: string; source: string }[]>('users', 'list', 'acme');
      assert.equal(users.length, 40);
      assert.ok(users.every((u) => u.source === 'graph' && u.externalId.startsWith('u-')));
    });

    test('a killed sync resumes where its last committed page left it', async () => {
      tenant.pageSize = 4;
      tenant.delayMs = 150;
      const child = spawn(process.execPath, [...cli, 'sync', connectionId, '--full', '--json'], {
        env: { ...process.env, ...roster.env },
        stdio: 'ignore',
      });
      const pagesBefore = tenant.requests.length;
      while (tenant.requests.length < pagesBefore + 4) await sleep(20);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      tenant.delayMs = 0;
      const resumedAt = tenant.requests.length;
      const summary = await json<{ status: string }>('sync', connectionId, '--full');
      assert.equal(summary.status, 'succeeded');
      const resumed = tenant.requests.slice(resumedAt);
      assert.ok(
        resumed.some((r) => /users\/delta\?\$skiptoken=0\.\d+/.test(r)),
        'the resumed run continued the round',
      );
      assert.ok(
        !resumed.some((r) => r.startsWith('GET /v1.0/users/delta?$select')),
        'the users round did not start over',
      );
      const runs = await json<{ status: string; errors: { code?: string }[] }[]>('runs', connectionId);
      assert.deepEqual(
        runs.map((r) => r.status),
        ['succeeded', 'failed', 'succeeded'],
      );
      assert.equal(runs[1]?.errors[0]?.code, 'interrupted');
      const users = await roster.runtime.store.db.selectFrom('users').select('id').execute();
      assert.equal(users.length, 40);
      tenant.pageSize = 10;
    });
  });
}
