import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { commandLogger } from '../../src/cli/context.js';
import { RosterError } from '../../src/errors.js';
import { roster } from '../support/cli.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { FakeTenant } from '../connectors/graph/support/fake-tenant.js';

/** A one-shot command shows its result; logs nobody asked for stay out of the way. */
function captured(env: NodeJS.ProcessEnv): { logger: ReturnType<typeof commandLogger>; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { logger: commandLogger('info', env, stream), text: () => text };
}

describe('the logger of a one-shot command', () => {
  test('leaves out failures Roster explains in the result, and warnings, unless LOG_LEVEL is set', () => {
    const quiet = captured({});
    quiet.logger.error({ err: new RosterError('unauthorized', 'Entra refused the secret') }, 'run failed');
    quiet.logger.warn('roles left as they were');
    assert.equal(quiet.text(), '');
    const asked = captured({ LOG_LEVEL: 'info' });
    asked.logger.error({ err: new RosterError('unauthorized', 'Entra refused the secret') }, 'run failed');
    asked.logger.warn('roles left as they were');
    assert.match(asked.text(), /run failed/);
    assert.match(asked.text(), /roles left as they were/);
  });

  test('still shows unexpected and fatal errors', () => {
    const quiet = captured({});
    quiet.logger.error({ err: new TypeError('x is undefined') }, 'Sync run crashed');
    quiet.logger.fatal({ err: new RosterError('internal', 'the store is gone') }, 'cannot go on');
    assert.match(quiet.text(), /Sync run crashed/);
    assert.match(quiet.text(), /cannot go on/);
  });
});

for (const engine of engines) {
  describe(`roster sync with a wrong client secret on ${engine}`, () => {
    let server: TestRoster;
    let tenant: FakeTenant;
    let env: NodeJS.ProcessEnv;
    let connectionId = '';

    before(async () => {
      tenant = new FakeTenant(5, 1);
      await tenant.start();
      server = await startTestRoster(engine, { ROSTER_SECRET_KEY: 'ef'.repeat(32) });
      // As an operator runs it: no LOG_LEVEL in the shell.
      env = { ...server.env, LOG_LEVEL: undefined };
      assert.equal((await roster(['org', 'create', 'acme', '--name', 'Acme'], env)).code, 0);
      const created = await roster(
        [
          'graph',
          'connect',
          'acme',
          '--tenant-id',
          tenant.tenantId,
          '--client-id',
          tenant.clientId,
          '--client-secret',
          'not-the-secret',
          '--login-url',
          tenant.url,
          '--graph-url',
          tenant.url,
          '--json',
        ],
        env,
      );
      assert.equal(created.code, 0, created.stderr);
      connectionId = (JSON.parse(created.stdout) as { connectionId: string }).connectionId;
    });
    after(async () => {
      await server.close();
      await tenant.close();
    });

    test('prints the summary with the remedy, and no log lines', async () => {
      const result = await roster(['sync', connectionId, '--json'], env);
      assert.equal(result.code, 3);
      const summary = JSON.parse(result.stdout) as {
        status: string;
        errors: { code: string; remedy?: string }[];
      };
      assert.equal(summary.status, 'failed');
      assert.equal(summary.errors[0]?.code, 'unauthorized');
      assert.match(summary.errors[0]?.remedy ?? '', /client secret is wrong/);
      assert.equal(result.stderr, '');
    });

    test('logs the failure when LOG_LEVEL asks for it', async () => {
      const result = await roster(['sync', connectionId, '--json'], { ...env, LOG_LEVEL: 'error' });
      assert.equal(result.code, 3);
      assert.match(result.stderr, /"msg":"Graph sync run failed"/);
    });
  });
}
