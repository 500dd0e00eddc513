import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { roster } from '../support/cli.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';

/** `roster graph connect --secret-expires` takes real calendar dates only. */
for (const engine of engines) {
  describe(`roster graph connect --secret-expires on ${engine}`, () => {
    let server: TestRoster;
    const connect = (expires: string) =>
      roster(
        [
          'graph',
          'connect',
          'acme',
          '--tenant-id',
          '11111111-2222-3333-4444-555555555555',
          '--client-id',
          'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
          '--client-secret',
          's',
          '--secret-expires',
          expires,
          '--json',
        ],
        server.env,
      );

    before(async () => {
      server = await startTestRoster(engine, { ROSTER_SECRET_KEY: 'ef'.repeat(32) });
      assert.equal((await roster(['org', 'create', 'acme', '--name', 'Acme'], server.env)).code, 0);
    });
    after(() => server.close());

    test('refuses a day the month does not have, naming the setting, and stores nothing', async () => {
      for (const expires of ['2027-02-30', '2099-04-31', '2099-02-29', '2099-13-01']) {
        const result = await connect(expires);
        assert.equal(result.code, 2, result.stderr);
        assert.equal(
          result.stderr.trim(),
          `roster: secretExpiresAt must be a real date (YYYY-MM-DD), got "${expires}"`,
        );
      }
      const stored = await server.runtime.store.db.selectFrom('connections').select('id').execute();
      assert.deepEqual(stored, []);
    });

    test('accepts a leap day and a timestamp', async () => {
      for (const [expires, stored] of [
        ['2096-02-29', '2096-02-29T00:00:00.000Z'],
        ['2099-12-31T12:00:00+02:00', '2099-12-31T10:00:00.000Z'],
      ] as const) {
        const result = await connect(expires);
        assert.equal(result.code, 0, result.stderr);
        assert.equal((JSON.parse(result.stdout) as { secretExpiresAt: string }).secretExpiresAt, stored);
      }
    });
  });
}
