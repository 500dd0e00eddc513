/**
 * Entra conformance: Microsoft's documented SCIM requests and responses, replayed against the
 * real Roster server over HTTP on every engine, followed by the request shapes Entra is known to
 * send beyond those examples (shared/reference/entra.md, "Entra SCIM quirks: checklist").
 *
 * Sources, stored as fixtures under entra/fixtures/:
 * - use-scim-to-provision-users-and-groups.md, "User Operations" and "Group Operations";
 * - application-provisioning-config-problem-scim-compatibility.md, the samples Entra sends
 *   without and with `aadOptscim062020`.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { rosterJson } from '../../support/cli.js';
import { engines } from '../../support/engines.js';
import { startTestRoster, type TestRoster } from '../../support/roster.js';
import {
  connectScimWithCli,
  entraUser,
  patchOp,
  createdId as created,
  filterQuery as q,
} from '../../support/scim-client.js';
import { checkedClient, loadExamples, replayStep, type ScimClient } from './entra/replay.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User';
const ADSCIM_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

for (const engine of engines) {
  describe(`Entra conformance on ${engine}`, () => {
    let server: TestRoster;
    let scim: ScimClient;
    let nextUser = 100;
    /** A fresh user as Entra creates it; each gets its own userName, email and externalId. */
    const createUser = async (overrides: Record<string, unknown> = {}) =>
      created(await scim.post('/Users', entraUser((nextUser += 1), overrides)));
    const platformUsers = () =>
      rosterJson<{ id: string; userName: string; roles: string[]; status: string }[]>(
        ['users', 'list', 'acme'],
        server.env,
      );

    before(async () => {
      server = await startTestRoster(engine);
      scim = checkedClient((await connectScimWithCli(server.env)).scim);
    });
    after(() => server.close());

    describe("Microsoft's User Operations examples", () => {
      const examples = loadExamples('user-operations');
      const vars: Record<string, string> = {};
      for (const step of examples.steps)
        test(step.name, async () => {
          await replayStep(scim, step, vars);
        });
    });

    describe("Microsoft's Group Operations examples", () => {
      const examples = loadExamples('group-operations');
      const vars: Record<string, string> = {};
      before(async () => {
        vars.memberId = await createUser();
      });
      for (const step of examples.steps)
        test(step.name, async () => {
          await replayStep(scim, step, vars);
        });
    });

    describe("Microsoft's samples without and with aadOptscim062020", () => {
      const examples = loadExamples('scim-compatibility-flag');
      const vars: Record<string, string> = {};
      before(async () => {
        vars.userId = await createUser();
        vars.memberId = await createUser();
        vars.groupId = created(
          await scim.post('/Groups', {
            schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
            displayName: 'Compliance flag samples',
            members: [{ value: vars.memberId }],
          }),
        );
      });
      for (const step of examples.steps)
        test(step.name, async () => {
          await replayStep(scim, step, vars);
        });
    });

    describe('Test Connection: a random user and group', () => {
      test('a user query with zero hits is 200 with an empty ListResponse', async () => {
        const res = await scim.get(`/Users?${q(`userName eq "${randomUUID()}"`)}`);
        assert.equal(res.status, 200);
        assert.equal(res.body.totalResults, 0);
        assert.deepEqual(res.body.Resources, []);
      });

      test('a group query with zero hits is 200 with an empty ListResponse', async () => {
        const res = await scim.get(
          `/Groups?excludedAttributes=members&${q(`displayName eq "${randomUUID()}"`)}`,
        );
        assert.equal(res.status, 200);
        assert.equal(res.body.totalResults, 0);
      });

      test('an unknown user or group id is a 404 SCIM Error', async () => {
        for (const path of [`/Users/${randomUUID()}`, `/Groups/${randomUUID()}?excludedAttributes=members`]) {
          const res = await scim.get(path);
          assert.equal(res.status, 404);
          assert.equal(res.body.status, '404');
        }
      });
    });

    describe('every answer is SCIM JSON', () => {
      test('an endpoint Roster lacks (/Me, /Bulk, a typo) is a 404 SCIM Error, whatever the method', async () => {
        // "The header for all the responses should be of content-Type: application/scim+json."
        for (const [method, path] of [
          ['GET', '/Me'],
          ['POST', '/Bulk'],
          ['GET', '/Userz'],
          ['DELETE', '/Users'],
        ] as const) {
          const res = await scim.call(method, path, method === 'POST' ? {} : undefined);
          assert.equal(res.status, 404, `${method} ${path}`);
        }
      });
    });

    describe('queries Entra sends (only eq and and)', () => {
      let id: string;
      let user: ReturnType<typeof entraUser>;
      before(async () => {
        user = entraUser('query');
        id = created(await scim.post('/Users', user));
      });

      test('finds a user by externalId, by work email, and by userName and externalId together', async () => {
        const email = user.emails[0]?.value ?? '';
        for (const filter of [
          `externalId eq "${user.externalId}"`,
          `emails[type eq "work"].value eq "${email}"`,
          `userName eq "${user.userName}" and externalId eq "${user.externalId}"`,
        ]) {
          const res = await scim.get(`/Users?${q(filter)}`);
          assert.equal(res.body.totalResults, 1, filter);
          assert.equal(res.body.Resources?.[0]?.id, id, filter);
        }
      });
    });

    describe('string booleans ("True"/"False") in POST and PATCH', () => {
      test('POST takes "True", "False" and "true" on boolean attributes and answers booleans', async () => {
        const on = await scim.post('/Users', entraUser((nextUser += 1), { active: 'True' }));
        assert.equal(on.status, 201, JSON.stringify(on.body));
        assert.equal(on.body.active, true);
        const off = await scim.post(
          '/Users',
          entraUser((nextUser += 1), {
            active: 'False',
            emails: [{ primary: 'true', type: 'work', value: `bool${nextUser}@contoso.test` }],
          }),
        );
        assert.equal(off.status, 201, JSON.stringify(off.body));
        assert.equal(off.body.active, false);
        assert.deepEqual((off.body.emails as { primary: unknown }[])[0]?.primary, true);
        assert.equal((await scim.get(`/Users/${String(off.body.id)}`)).body.active, false);
      });

      test('PATCH takes "false" and "True" with a path and "False" in a path-less replace', async () => {
        const id = await createUser();
        const steps: [Record<string, unknown>, boolean][] = [
          [{ op: 'Replace', path: 'active', value: 'false' }, false],
          [{ op: 'Replace', path: 'active', value: 'True' }, true],
          [{ op: 'Replace', value: { active: 'False' } }, false],
        ];
        for (const [operation, active] of steps) {
          const res = await scim.patch(`/Users/${id}`, patchOp(operation));
          assert.equal(res.status, 200, JSON.stringify(res.body));
          assert.equal(res.body.active, active, JSON.stringify(operation));
        }
      });

      test('a string that is no boolean is 400 invalidValue', async () => {
        const res = await scim.post('/Users', entraUser((nextUser += 1), { active: 'yes' }));
        assert.equal(res.status, 400);
        assert.equal(res.body.scimType, 'invalidValue');
      });
    });

    describe('operation names in any case', () => {
      test('ADD, rEpLaCe and REMOVE work on a user', async () => {
        const id = await createUser();
        const added = await scim.patch(
          `/Users/${id}`,
          patchOp({ op: 'ADD', path: 'title', value: 'Engineer' }),
        );
        assert.equal(added.body.title, 'Engineer');
        const replaced = await scim.patch(
          `/Users/${id}`,
          patchOp({ op: 'rEpLaCe', path: 'title', value: 'Lead' }),
        );
        assert.equal(replaced.body.title, 'Lead');
        const removed = await scim.patch(`/Users/${id}`, patchOp({ op: 'REMOVE', path: 'title' }));
        assert.equal(removed.status, 200);
        assert.equal(removed.body.title, undefined);
      });

      test('an unknown op is 400 invalidSyntax', async () => {
        const id = await createUser();
        const res = await scim.patch(`/Users/${id}`, patchOp({ op: 'Merge', path: 'title', value: 'x' }));
        assert.equal(res.status, 400);
        assert.equal(res.body.scimType, 'invalidSyntax');
      });
    });

    describe('path-less replace and add', () => {
      test('takes dotted keys, URN-qualified keys and an extension object together', async () => {
        const id = await createUser();
        const res = await scim.patch(
          `/Users/${id}`,
          patchOp({
            op: 'replace',
            value: {
              'name.givenName': 'Grace',
              [`${ENTERPRISE}:employeeNumber`]: '1906',
              [ENTERPRISE]: { department: 'Navy' },
              [`${CUSTOM}:badge`]: 'B-7',
            },
          }),
        );
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal((res.body.name as Record<string, unknown>).givenName, 'Grace');
        assert.deepEqual(res.body[ENTERPRISE], { employeeNumber: '1906', department: 'Navy' });
        assert.deepEqual(res.body[CUSTOM], { badge: 'B-7' });
      });

      test('a path-less Add sets single-valued attributes', async () => {
        const id = await createUser();
        const res = await scim.patch(
          `/Users/${id}`,
          patchOp({ op: 'Add', value: { nickName: 'Gigi', 'name.familyName': 'Hopper' } }),
        );
        assert.equal(res.body.nickName, 'Gigi');
        assert.equal((res.body.name as Record<string, unknown>).familyName, 'Hopper');
      });
    });

    describe('filtered paths create the value when it is missing', () => {
      test('emails[type eq "work"].value on a user with only another email adds a work email', async () => {
        const tag = randomUUID().slice(0, 8);
        const id = await createUser({ emails: [{ type: 'other', value: `other-${tag}@contoso.test` }] });
        const res = await scim.patch(
          `/Users/${id}`,
          patchOp({
            op: 'Replace',
            path: 'emails[type eq "work"].value',
            value: `work-${tag}@contoso.test`,
          }),
        );
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const emails = res.body.emails as Record<string, unknown>[];
        assert.deepEqual(
          emails.map((e) => [e.type, e.value]),
          [
            ['other', `other-${tag}@contoso.test`],
            ['work', `work-${tag}@contoso.test`],
          ],
        );
      });

      test('phoneNumbers[type eq "mobile"|"work"|"fax"].value are created once and then updated', async () => {
        const id = await createUser();
        const ops = [
          { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0100' },
          { op: 'Replace', path: 'phoneNumbers[type eq "work"].value', value: '55555555555' },
          { op: 'replace', path: 'phoneNumbers[type eq "fax"].value', value: '+1 555 0102' },
        ];
        assert.equal((await scim.patch(`/Users/${id}`, patchOp(...ops))).status, 200);
        const res = await scim.patch(
          `/Users/${id}`,
          patchOp({ op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0199' }),
        );
        const phones = res.body.phoneNumbers as Record<string, unknown>[];
        assert.deepEqual(
          phones.map((p) => [p.type, p.value]),
          [
            ['mobile', '+1 555 0199'],
            ['work', '55555555555'],
            ['fax', '+1 555 0102'],
          ],
          'one value per type, stored exactly as sent',
        );
      });
    });

    describe('app roles', () => {
      let id: string;
      let userName: string;
      const rolesOnPlatform = async () => (await platformUsers()).find((u) => u.userName === userName)?.roles;

      test('POST with SingleAppRoleAssignment roles keeps them and the platform shows them', async () => {
        const body = entraUser((nextUser += 1), {
          roles: [
            { primary: false, type: 'WindowsAzureActiveDirectoryRole', value: 'Admin', display: 'Admin' },
          ],
        });
        userName = body.userName;
        id = created(await scim.post('/Users', body));
        const read = await scim.get(`/Users/${id}`);
        assert.deepEqual(read.body.roles, [
          { primary: false, type: 'WindowsAzureActiveDirectoryRole', value: 'Admin', display: 'Admin' },
        ]);
        assert.deepEqual(await rolesOnPlatform(), ['Admin']);
      });

      test('PATCH Add roles with the role as JSON text, alone or in a list, parses the text', async () => {
        const asText = (value: string) =>
          JSON.stringify({ id: randomUUID(), value, displayName: `${value} role` });
        const single = await scim.patch(
          `/Users/${id}`,
          patchOp({ op: 'Add', path: 'roles', value: { value: asText('User') } }),
        );
        assert.equal(single.status, 200, JSON.stringify(single.body));
        const listed = await scim.patch(
          `/Users/${id}`,
          patchOp({ op: 'Add', path: 'roles', value: [{ value: asText('Auditor') }] }),
        );
        assert.equal(listed.status, 200, JSON.stringify(listed.body));
        const roles = listed.body.roles as Record<string, unknown>[];
        assert.deepEqual(
          roles.map((role) => [role.value, role.display]),
          [
            ['Admin', 'Admin'],
            ['User', 'User role'],
            ['Auditor', 'Auditor role'],
          ],
        );
        assert.deepEqual(await rolesOnPlatform(), ['Admin', 'Auditor', 'User']);
      });

      test('AssertiveAppRoleAssignmentsComplex replace leaves exactly the roles sent', async () => {
        const res = await scim.patch(
          `/Users/${id}`,
          patchOp({
            op: 'replace',
            path: 'roles',
            value: [
              {
                primary: false,
                type: 'WindowsAzureActiveDirectoryRole',
                value: 'ReadOnly',
                display: 'ReadOnly',
              },
            ],
          }),
        );
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.deepEqual(
          (res.body.roles as Record<string, unknown>[]).map((role) => role.value),
          ['ReadOnly'],
        );
        assert.deepEqual(await rolesOnPlatform(), ['ReadOnly']);
      });
    });

    describe('manager as a plain id', () => {
      test('Add of the enterprise manager with the id as a string stores {value: id}', async () => {
        const managerId = await createUser();
        const id = await createUser();
        const res = await scim.patch(
          `/Users/${id}`,
          patchOp({ op: 'Add', path: `${ENTERPRISE}:manager`, value: managerId }),
        );
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.deepEqual((res.body[ENTERPRISE] as Record<string, unknown>).manager, { value: managerId });
        assert.ok((res.body.schemas as string[]).includes(ENTERPRISE));
        const replaced = await scim.patch(
          `/Users/${id}`,
          patchOp({ op: 'Replace', path: `${ENTERPRISE}:manager`, value: id }),
        );
        assert.deepEqual((replaced.body[ENTERPRISE] as Record<string, unknown>).manager, { value: id });
      });
    });

    describe("Microsoft's example user schema payload", () => {
      test('is created with the manager as {value: id} and the custom extension kept', async () => {
        // use-scim-to-provision-users-and-groups.md, "Design your user and group schema"; the work
        // email is added because Roster requires one (README, "What the SCIM endpoint does").
        const managerId = await createUser();
        const customUrn = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
        const res = await scim.post('/Users', {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE, customUrn],
          userName: 'bjensen@testuser.com',
          id: '48af03ac28ad4fb88478',
          externalId: 'bjensen',
          name: { familyName: 'Jensen', givenName: 'Barbara' },
          emails: [{ type: 'work', value: 'bjensen@testuser.com', primary: true }],
          [ENTERPRISE]: { manager: managerId },
          [customUrn]: { tag: '701984' },
          meta: {
            resourceType: 'User',
            created: '2010-01-23T04:56:22Z',
            lastModified: '2011-05-13T04:42:34Z',
            version: 'W/"3694e05e9dff591"',
            location: 'https://example.com/v2/Users/00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
          },
        });
        const id = created(res);
        assert.notEqual(id, '48af03ac28ad4fb88478', 'id is the server’s');
        assert.notEqual((res.body.meta as Record<string, unknown>).created, '2010-01-23T04:56:22Z');
        assert.deepEqual(res.body[ENTERPRISE], { manager: { value: managerId } });
        assert.deepEqual(res.body[customUrn], { tag: '701984' });
        const byManager = await scim.get(`/Users?${q(`${ENTERPRISE}:manager.value eq "${managerId}"`)}`);
        assert.deepEqual(
          byManager.body.Resources?.map((user) => user.id),
          [id],
        );
      });
    });

    describe('custom extension attributes', () => {
      test('a POST with a URN-qualified custom key not listed in schemas keeps it and returns it', async () => {
        const res = await scim.post('/Users', entraUser((nextUser += 1), { [`${CUSTOM}:attr`]: 'v1' }));
        const id = created(res);
        assert.deepEqual(res.body[CUSTOM], { attr: 'v1' });
        const read = await scim.get(`/Users/${id}`);
        assert.deepEqual(read.body[CUSTOM], { attr: 'v1' });
        assert.ok((read.body.schemas as string[]).includes(CUSTOM), 'schemas lists the extension');
      });

      test('PATCH replaces a custom attribute, and it can be filtered on', async () => {
        const id = await createUser({ [`${CUSTOM}:attr`]: 'v1' });
        const res = await scim.patch(
          `/Users/${id}`,
          patchOp({ op: 'Replace', path: `${CUSTOM}:attr`, value: 'v2' }),
        );
        assert.deepEqual(res.body[CUSTOM], { attr: 'v2' });
        const found = await scim.get(`/Users?${q(`${CUSTOM}:attr eq "v2"`)}`);
        assert.deepEqual(
          found.body.Resources?.map((r) => r.id),
          [id],
        );
      });
    });

    describe('groups', () => {
      test('POST /Groups tolerates the ADSCIM schema and does not echo it', async () => {
        const res = await scim.post('/Groups', {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group', ADSCIM_GROUP],
          externalId: randomUUID(),
          displayName: `ADSCIM ${randomUUID()}`,
          meta: { resourceType: 'Group' },
        });
        created(res);
        assert.deepEqual(res.body.schemas, ['urn:ietf:params:scim:schemas:core:2.0:Group']);
      });

      test('excludedAttributes=members leaves members out of every listed group', async () => {
        const memberId = await createUser();
        created(
          await scim.post('/Groups', {
            displayName: `With member ${randomUUID()}`,
            members: [{ value: memberId }],
          }),
        );
        const res = await scim.get('/Groups?excludedAttributes=members');
        assert.ok((res.body.Resources ?? []).length >= 1);
        for (const group of res.body.Resources ?? []) assert.equal(group.members, undefined);
      });

      test('answers "is this user a member" queries on the members attribute', async () => {
        // "Requests to determine whether a reference attribute has a certain value are requests
        // about the members attribute" (use-scim-to-provision-users-and-groups.md).
        const [member, outsider] = [await createUser(), await createUser()];
        const groupId = created(
          await scim.post('/Groups', {
            displayName: `Membership ${randomUUID()}`,
            members: [{ value: member }],
          }),
        );
        const ask = (userId: string) =>
          scim.get(
            `/Groups?excludedAttributes=members&${q(`id eq "${groupId}" and members[value eq "${userId}"]`)}`,
          );
        const yes = await ask(member);
        assert.equal(yes.body.totalResults, 1);
        assert.equal(yes.body.Resources?.[0]?.id, groupId);
        assert.equal(yes.body.Resources?.[0]?.members, undefined, 'members stay excluded');
        assert.equal((await ask(outsider)).body.totalResults, 0);
        const byMember = await scim.get(
          `/Groups?excludedAttributes=members&${q(`members.value eq "${member}"`)}`,
        );
        assert.deepEqual(
          byMember.body.Resources?.map((group) => group.id),
          [groupId],
        );
      });

      test('members are added with $ref null and removed in both forms, in any op case', async () => {
        const [a, b] = [await createUser(), await createUser()];
        const groupId = created(await scim.post('/Groups', { displayName: `Both forms ${randomUUID()}` }));
        const add = await scim.patch(
          `/Groups/${groupId}`,
          patchOp({
            op: 'ADD',
            path: 'members',
            value: [
              { $ref: null, value: a },
              { $ref: null, value: b },
            ],
          }),
        );
        assert.equal(add.status, 204);
        assert.equal(
          (
            await scim.patch(
              `/Groups/${groupId}`,
              patchOp({ op: 'REMOVE', path: `members[value eq "${a}"]` }),
            )
          ).status,
          204,
        );
        assert.equal(
          (
            await scim.patch(
              `/Groups/${groupId}`,
              patchOp({ op: 'remove', path: 'members', value: [{ value: b }] }),
            )
          ).status,
          204,
        );
        assert.deepEqual((await scim.get(`/Groups/${groupId}`)).body.members, []);
      });
    });

    describe('soft and hard delete', () => {
      test('a user disabled by Entra stays readable by id and by filter; DELETE then answers 404', async () => {
        const body = entraUser((nextUser += 1));
        const id = created(await scim.post('/Users', body));
        await scim.patch(`/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }));
        assert.equal((await scim.get(`/Users/${id}`)).body.active, false);
        const found = await scim.get(`/Users?${q(`externalId eq "${body.externalId}"`)}`);
        assert.equal(found.body.totalResults, 1);
        assert.equal((await scim.delete(`/Users/${id}`)).status, 204);
        assert.equal((await scim.get(`/Users/${id}`)).status, 404);
        assert.equal(
          (await scim.patch(`/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: true }))).status,
          404,
        );
      });
    });
  });
}
