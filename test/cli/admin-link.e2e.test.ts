import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { roster, rosterJson } from '../support/cli.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';

/** `roster admin link`: the operator's way into the portal, without any default password. */
for (const engine of engines) {
  describe(`roster admin link on ${engine}`, () => {
    let server: TestRoster;
    before(async () => {
      server = await startTestRoster(engine);
      await rosterJson(['org', 'create', 'acme', '--name', 'Acme'], server.env);
    });
    after(() => server.close());

    const spend = async (signInUrl: string) => {
      const token = new URL(signInUrl).hash.slice(1);
      return fetch(`${server.url}/auth/link`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      });
    };

    test('prints a one-time link to the portal that opens the named organization', async () => {
      const link = await rosterJson<{ signInUrl: string; expiresAt: string }>(
        ['admin', 'link', '--org', 'acme'],
        server.env,
      );
      assert.ok(link.signInUrl.startsWith(`${server.url}/sign-in/link#link_`));
      assert.ok(Date.parse(link.expiresAt) - Date.now() <= 15 * 60 * 1000);
      const first = await spend(link.signInUrl);
      assert.equal(first.status, 200);
      const cookie = first.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const session = (await (await fetch(`${server.url}/auth/session`, { headers: { cookie } })).json()) as {
        kind: string;
        role: string;
        organization: { slug: string };
      };
      assert.deepEqual(
        [session.kind, session.role, session.organization.slug],
        ['operator', 'EnterpriseAdmin', 'acme'],
      );
      assert.equal((await spend(link.signInUrl)).status, 400, 'a link works once');
    });

    test('names an unknown organization instead of printing a link', async () => {
      const result = await roster(['admin', 'link', '--org', 'nope'], server.env);
      assert.equal(result.code, 4);
      assert.match(result.stderr, /Organization "nope" was not found/);
      assert.equal(result.stdout, '');
    });
  });
}
