/**
 * Entra's provisioning service sends many requests at once: a group's member adds and removes, a
 * user's disable and delete, a group's delete. Run in parallel against the real server, on every
 * engine, none of them may answer 5xx and the end state must be what the requests say.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { engines } from '../../../support/engines.js';
import { startTestRoster, type TestRoster } from '../../../support/roster.js';
import { connectScimWithCli, entraUser, patchOp } from '../../../support/scim-client.js';
import { checkedClient, type ScimClient } from './replay.js';

for (const engine of engines) {
  describe(`Entra's parallel requests on ${engine}`, () => {
    let server: TestRoster;
    let scim: ScimClient;
    let nextUser = 0;
    const created = (res: { status: number; body: Record<string, unknown> }) => {
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return String(res.body.id);
    };
    const createUser = async () =>
      created(await scim.post('/Users', entraUser(`parallel${(nextUser += 1)}`)));

    before(async () => {
      server = await startTestRoster(engine);
      scim = checkedClient((await connectScimWithCli(server.env)).scim);
    });
    after(() => server.close());

    test('member adds, removes, user deletes and a group delete at once never answer 5xx', async () => {
      const users = await Promise.all(Array.from({ length: 12 }, () => createUser()));
      const [keep, drop, gone] = [users.slice(0, 4), users.slice(4, 8), users.slice(8)];
      const groupId = created(
        await scim.post('/Groups', {
          displayName: `Parallel ${randomUUID()}`,
          members: [...drop, ...gone].map((value) => ({ value })),
        }),
      );
      const other = created(
        await scim.post('/Groups', {
          displayName: `Doomed ${randomUUID()}`,
          members: [{ value: keep[0] }],
        }),
      );
      const path = `/Groups/${groupId}`;
      const answers = await Promise.all([
        ...keep.map((id) =>
          scim.patch(path, patchOp({ op: 'Add', path: 'members', value: [{ $ref: null, value: id }] })),
        ),
        ...drop.map((id, i) =>
          scim.patch(
            path,
            i % 2 === 0
              ? patchOp({ op: 'Remove', path: 'members', value: [{ value: id }] })
              : patchOp({ op: 'remove', path: `members[value eq "${id}"]` }),
          ),
        ),
        ...gone.map((id) => scim.delete(`/Users/${id}`)),
        ...keep.map((id) =>
          scim.patch(`/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: 'False' })),
        ),
        scim.delete(`/Groups/${other}`),
        ...keep.map(() =>
          scim.patch(
            `/Groups/${other}`,
            patchOp({ op: 'Add', path: 'members', value: [{ value: keep[1] }] }),
          ),
        ),
      ]);
      for (const res of answers) assert.ok([200, 204, 404].includes(res.status), JSON.stringify(res.body));
      const members = (await scim.get(path)).body.members as { value: string }[];
      assert.deepEqual(members.map((m) => m.value).sort(), [...keep].sort());
      assert.equal((await scim.get(`/Groups/${other}`)).status, 404);
    });

    test('a group delete racing the removal of each of its members answers 204 or 404', async () => {
      for (let round = 0; round < 3; round += 1) {
        const users = await Promise.all(Array.from({ length: 8 }, () => createUser()));
        const groupId = created(
          await scim.post('/Groups', {
            displayName: `Racing ${randomUUID()}`,
            members: users.map((value) => ({ value })),
          }),
        );
        const answers = await Promise.all([
          scim.delete(`/Groups/${groupId}`),
          ...users.map((id) =>
            scim.patch(
              `/Groups/${groupId}`,
              patchOp({ op: 'Remove', path: 'members', value: [{ value: id }] }),
            ),
          ),
          ...users.map((id) => scim.delete(`/Users/${id}`)),
        ]);
        for (const res of answers) assert.ok([204, 404].includes(res.status), JSON.stringify(res.body));
        assert.equal((await scim.get(`/Groups/${groupId}`)).status, 404);
      }
    });
  });
}
