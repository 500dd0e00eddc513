import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { allPages, appToken, graphGet, values, type Json } from './support.js';

describe('Graph v1.0 reads', () => {
  let emulator: Emulator;
  let token: string;
  let now = new Date('2026-01-01T00:00:00Z');
  before(async () => {
    emulator = await startEmulator({ users: 300, groups: 20, seed: 7, clock: { now: () => now } });
    token = await appToken(emulator);
  });
  after(() => emulator.close());

  describe('authentication', () => {
    it('answers 401 InvalidAuthenticationToken without a bearer token', async () => {
      const response = await fetch(`${emulator.graphUrl}/v1.0/users`);
      assert.equal(response.status, 401);
      const body = (await response.json()) as { error: Json };
      assert.equal(body.error.code, 'InvalidAuthenticationToken');
      assert.equal(body.error.message, 'Access token is empty.');
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer realm=""/);
    });

    it('answers 401 for a token that is not the emulator’s', async () => {
      const forged = `${token.split('.').slice(0, 2).join('.')}.c2lnbmF0dXJl`;
      const response = await graphGet(emulator, '/users', forged);
      assert.equal(response.status, 401);
      assert.equal((response.body.error as Json).code, 'InvalidAuthenticationToken');
    });

    it('answers 401 once the token has expired', async () => {
      emulator.tenant.setAccessTokenLifetime(60);
      const shortLived = await appToken(emulator);
      emulator.tenant.setAccessTokenLifetime(3599);
      now = new Date(now.getTime() + 120_000);
      try {
        const response = await graphGet(emulator, '/users', shortLived);
        assert.equal(response.status, 401);
        assert.equal(
          (response.body.error as Json).message,
          'Lifetime validation failed, the token is expired.',
        );
      } finally {
        now = new Date(now.getTime() - 120_000);
      }
    });
  });

  describe('users', () => {
    it('pages with $top and absolute nextLinks built from the request host', async () => {
      const pages = await allPages(emulator, '/users?$top=100', token);
      assert.equal(pages.length, 3);
      assert.equal(values(pages).length, 300);
      assert.equal(new Set(values(pages).map((u) => u.id)).size, 300);
      const next = pages[0]!['@odata.nextLink'] as string;
      assert.ok(next.startsWith(`${emulator.graphUrl}/v1.0/users?$top=100&$skiptoken=`), next);
      assert.equal(pages[0]!['@odata.context'], `${emulator.graphUrl}/v1.0/$metadata#users`);
    });

    it('returns the default property set, and only $select-ed properties plus id', async () => {
      const plain = await graphGet(emulator, '/users?$top=1', token);
      const user = (plain.body.value as Json[])[0]!;
      assert.deepEqual(Object.keys(user).sort(), [
        'businessPhones',
        'displayName',
        'givenName',
        'id',
        'jobTitle',
        'mail',
        'mobilePhone',
        'officeLocation',
        'preferredLanguage',
        'surname',
        'userPrincipalName',
      ]);
      const selected = await graphGet(emulator, '/users?$top=1&$select=displayName,accountEnabled', token);
      assert.deepEqual(Object.keys((selected.body.value as Json[])[0]!), [
        'id',
        'displayName',
        'accountEnabled',
      ]);
      assert.equal(
        selected.body['@odata.context'],
        `${emulator.graphUrl}/v1.0/$metadata#users(displayName,accountEnabled)`,
      );
    });

    it('rejects $top above 999 and unknown $select properties', async () => {
      assert.equal((await graphGet(emulator, '/users?$top=1000', token)).status, 400);
      const bad = await graphGet(emulator, '/users?$select=shoeSize', token);
      assert.equal(bad.status, 400);
      assert.match((bad.body.error as Json).message as string, /shoeSize/);
    });

    it('filters on accountEnabled, userType, startswith and id in (…)', async () => {
      const disabled = values(
        await allPages(emulator, '/users?$filter=accountEnabled eq false&$select=accountEnabled', token),
      );
      assert.ok(disabled.length > 0);
      assert.ok(disabled.every((u) => u.accountEnabled === false));
      const guests = values(
        await allPages(
          emulator,
          "/users?$filter=userType eq 'Guest'&$select=userPrincipalName,userType",
          token,
        ),
      );
      assert.ok(guests.length > 0);
      assert.ok(guests.every((u) => (u.userPrincipalName as string).includes('#EXT#')));
      const zoe = await graphGet(emulator, "/users?$filter=startswith(displayName,'zoë')", token);
      assert.ok((zoe.body.value as Json[]).some((u) => u.displayName === 'Zoë Ångström'));
      const ids = values(await allPages(emulator, '/users?$top=2', token))
        .slice(0, 2)
        .map((u) => u.id as string);
      const byIds = await graphGet(emulator, `/users?$filter=id in ('${ids[0]}','${ids[1]}')`, token);
      assert.deepEqual(
        (byIds.body.value as Json[]).map((u) => u.id),
        ids,
      );
    });

    it('needs advanced query parameters for ne, not and endsWith', async () => {
      const plain = await graphGet(emulator, "/users?$filter=endswith(mail,'.example')", token);
      assert.equal(plain.status, 400);
      assert.equal((plain.body.error as Json).code, 'Request_UnsupportedQuery');
      const advanced = await graphGet(
        emulator,
        "/users?$filter=endswith(mail,'.example')&$count=true",
        token,
        {
          ConsistencyLevel: 'eventual',
        },
      );
      assert.equal(advanced.status, 200);
      assert.equal(typeof advanced.body['@odata.count'], 'number');
    });

    it('requires ConsistencyLevel: eventual for $search, as Graph does', async () => {
      const refused = await graphGet(emulator, '/users?$search="displayName:zo"', token);
      assert.equal(refused.status, 400);
      assert.deepEqual(refused.body.error && (refused.body.error as Json).code, 'Request_UnsupportedQuery');
      assert.match((refused.body.error as Json).message as string, /ConsistencyLevel: eventual/);
      const found = await graphGet(emulator, '/users?$search="displayName:ångs"&$count=true', token, {
        ConsistencyLevel: 'eventual',
      });
      assert.equal(found.status, 200);
      assert.ok((found.body.value as Json[]).some((u) => u.displayName === 'Zoë Ångström'));
      assert.equal(found.body['@odata.count'], (found.body.value as Json[]).length);
    });

    it('tokenizes displayName for $search as Microsoft documents: digits, case changes, symbol-joined words', async () => {
      emulator.tenant.addGroup({ displayName: 'Finance2024Team' });
      emulator.tenant.addGroup({ displayName: 'hello-world' });
      const search = async (term: string) => {
        const answer = await graphGet(
          emulator,
          `/groups?$search=${encodeURIComponent(`"displayName:${term}"`)}&$select=displayName`,
          token,
          { ConsistencyLevel: 'eventual' },
        );
        assert.equal(answer.status, 200);
        return (answer.body.value as Json[]).map((g) => g.displayName);
      };
      for (const term of ['2024', 'team', 'fin'])
        assert.ok((await search(term)).includes('Finance2024Team'), term);
      for (const term of ['helloworld', 'world', 'hello'])
        assert.ok((await search(term)).includes('hello-world'), term);
      assert.ok(!(await search('ance')).includes('Finance2024Team'));
    });

    it('ignores $count=true without ConsistencyLevel and refuses the $count segment', async () => {
      const ignored = await graphGet(emulator, '/users?$count=true&$top=1', token);
      assert.equal(ignored.body['@odata.count'], undefined);
      assert.equal((await graphGet(emulator, '/users/$count', token)).status, 400);
      const counted = await graphGet(emulator, '/users/$count', token, { ConsistencyLevel: 'eventual' });
      assert.equal(counted.body.text, '300');
    });

    it('gets a user by id and by a guest UPN with #EXT#, and 404s an unknown id', async () => {
      const guest = emulator.tenant.listUsers({ limit: 10 }).find((u) => u.userType === 'Guest')!;
      const byUpn = await graphGet(
        emulator,
        `/users/${encodeURIComponent(guest.userPrincipalName)}?$select=mail`,
        token,
      );
      assert.equal(byUpn.status, 200);
      assert.equal(byUpn.body.id, guest.id);
      assert.equal(byUpn.body['@odata.context'], `${emulator.graphUrl}/v1.0/$metadata#users(mail)/$entity`);
      const missing = await graphGet(emulator, '/users/00000000-0000-0000-0000-000000000000', token);
      assert.equal(missing.status, 404);
      assert.equal((missing.body.error as Json).code, 'Request_ResourceNotFound');
    });

    it('returns the manager, and expands it on request', async () => {
      const user = emulator.tenant.listUsers({ offset: 20, limit: 1 })[0]!;
      const manager = await graphGet(emulator, `/users/${user.id}/manager`, token);
      assert.equal(manager.status, 200);
      assert.equal(manager.body['@odata.type'], '#microsoft.graph.user');
      assert.equal(manager.body.id, user.managerId);
      const expanded = await graphGet(emulator, `/users/${user.id}?$expand=manager($select=id)`, token);
      assert.deepEqual(expanded.body.manager, { '@odata.type': '#microsoft.graph.user', id: user.managerId });
    });

    it('sets request-id, echoes client-request-id and reports x-ms-resource-unit', async () => {
      const response = await graphGet(emulator, '/users?$top=5', token, { 'client-request-id': 'cr-1' });
      assert.match(response.headers.get('request-id') ?? '', /^[0-9a-f-]{36}$/);
      assert.equal(response.headers.get('client-request-id'), 'cr-1');
      assert.equal(response.headers.get('x-ms-resource-unit'), '1');
      assert.equal((await graphGet(emulator, '/users', token)).headers.get('x-ms-resource-unit'), '2');
    });

    it('answers an unknown segment with 400 and other methods with 405', async () => {
      assert.equal((await graphGet(emulator, '/widgets', token)).status, 400);
      const post = await fetch(`${emulator.graphUrl}/v1.0/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(post.status, 405);
    });
  });

  describe('groups', () => {
    it('lists members with @odata.type, including nested groups', async () => {
      const groups = values(
        await allPages(emulator, "/groups?$filter=displayName eq 'All Departments'", token),
      );
      const parent = groups[0]!;
      const members = values(await allPages(emulator, `/groups/${parent.id as string}/members`, token));
      assert.ok(members.length > 0);
      assert.ok(members.every((m) => m['@odata.type'] === '#microsoft.graph.group'));
      const transitive = values(
        await allPages(emulator, `/groups/${parent.id as string}/transitiveMembers?$top=999`, token),
      );
      assert.ok(transitive.some((m) => m['@odata.type'] === '#microsoft.graph.user'));
      assert.ok(transitive.some((m) => m['@odata.type'] === '#microsoft.graph.group'));
      const users = values(
        await allPages(
          emulator,
          `/groups/${parent.id as string}/transitiveMembers/microsoft.graph.user`,
          token,
        ),
      );
      assert.ok(
        users.every((m) => m['@odata.type'] === undefined && typeof m.userPrincipalName === 'string'),
      );
      assert.equal(users.length, transitive.length - members.length);
    });

    it('pages a large group’s members and counts them', async () => {
      const all = values(await allPages(emulator, "/groups?$filter=displayName eq 'All Users'", token))[0]!;
      const pages = await allPages(emulator, `/groups/${all.id as string}/members?$select=id`, token);
      assert.equal(pages.length, 3);
      assert.equal(values(pages).length, 300);
      const count = await graphGet(emulator, `/groups/${all.id as string}/members/$count`, token, {
        ConsistencyLevel: 'eventual',
      });
      assert.equal(count.body.text, '300');
    });

    it('lists a user’s memberOf and transitiveMemberOf', async () => {
      const user = emulator.tenant.listUsers({ offset: 10, limit: 1 })[0]!;
      const direct = values(await allPages(emulator, `/users/${user.id}/memberOf`, token));
      const transitive = values(await allPages(emulator, `/users/${user.id}/transitiveMemberOf`, token));
      assert.ok(direct.some((g) => g.displayName === 'All Users'));
      assert.ok(transitive.length >= direct.length);
      assert.ok(transitive.some((g) => g.displayName === 'All Departments'));
    });
  });

  describe('service principals and organization', () => {
    it('finds the service principal by appId and lists its app role assignments', async () => {
      const appId = emulator.clients[0]!.clientId;
      const list = await graphGet(emulator, `/servicePrincipals?$filter=appId eq '${appId}'`, token);
      const sp = (list.body.value as Json[])[0]!;
      assert.equal(sp.appId, appId);
      assert.deepEqual(
        (sp.appRoles as Json[]).map((r) => r.value),
        ['Admin', 'User', 'ReadOnly', 'EnterpriseAdmin'],
      );
      const assigned = values(
        await allPages(emulator, `/servicePrincipals/${sp.id as string}/appRoleAssignedTo`, token),
      );
      assert.ok(assigned.length > 0);
      const first = emulator.tenant.getUser(assigned[0]!.principalId as string)!;
      const role = (sp.appRoles as Json[]).find((r) => r.id === assigned[0]!.appRoleId)!;
      assert.equal(role.value, first.appRole);
      const byKey = await graphGet(emulator, `/servicePrincipals(appId='${appId}')`, token);
      assert.equal(byKey.body.id, sp.id);
    });

    it('lists app roles assigned to groups after those of users, across pages', async () => {
      const appId = emulator.clients[0]!.clientId;
      const sp = (await graphGet(emulator, `/servicePrincipals(appId='${appId}')`, token)).body;
      const readOnly = (sp.appRoles as Json[]).find((r) => r.value === 'ReadOnly')!;
      const [first, second] = emulator.tenant.listGroups();
      emulator.tenant.setGroupAppRole(first!.id, 'ReadOnly');
      emulator.tenant.setGroupAppRole(second!.id, 'Admin');
      try {
        const pages = await allPages(
          emulator,
          `/servicePrincipals/${sp.id as string}/appRoleAssignedTo?$top=50`,
          token,
        );
        assert.ok(pages.length > 1);
        const assigned = values(pages);
        assert.equal(new Set(assigned.map((a) => a.id)).size, assigned.length);
        const groups = assigned.filter((a) => a.principalType === 'Group');
        assert.deepEqual(
          groups.map((a) => a.principalId),
          [first!.id, second!.id],
        );
        assert.equal(groups[0]!.appRoleId, readOnly.id);
        assert.equal(groups[0]!.principalDisplayName, first!.displayName);
        assert.equal(groups[0]!.resourceId, sp.id);
        assert.ok(assigned.slice(0, -2).every((a) => a.principalType === 'User'));
        assert.equal(emulator.tenant.getGroup(first!.id)!.appRole, 'ReadOnly');
      } finally {
        emulator.tenant.setGroupAppRole(first!.id, null);
        emulator.tenant.setGroupAppRole(second!.id, null);
      }
      const after = values(
        await allPages(emulator, `/servicePrincipals/${sp.id as string}/appRoleAssignedTo?$top=999`, token),
      );
      assert.ok(after.every((a) => a.principalType === 'User'));
    });

    it('lets an app read its own service principal without any permission, and nothing more', async () => {
      const bare = await startEmulator({
        users: 5,
        groups: 1,
        seed: 3,
        clients: [
          { clientId: 'bare-app', clientSecret: 's', roles: [] },
          { clientId: 'other-app', clientSecret: 's', roles: [] },
        ],
      });
      try {
        const bareToken = await appToken(bare, { clientId: 'bare-app', clientSecret: 's' });
        const own = await graphGet(bare, `/servicePrincipals(appId='bare-app')`, bareToken);
        assert.equal(own.status, 200);
        const byId = await graphGet(bare, `/servicePrincipals/${own.body.id as string}`, bareToken);
        assert.equal(byId.status, 200);
        const other = await graphGet(bare, `/servicePrincipals(appId='other-app')`, bareToken);
        assert.equal(other.status, 403);
        const assignments = await graphGet(
          bare,
          `/servicePrincipals/${own.body.id as string}/appRoleAssignedTo`,
          bareToken,
        );
        assert.equal(assignments.status, 403);
        assert.equal((assignments.body.error as Json).code, 'Authorization_RequestDenied');
      } finally {
        await bare.close();
      }
    });

    it('lets an app holding Application.ReadWrite.OwnedBy list the assignments of its own service principal', async () => {
      const owned = await startEmulator({
        users: 5,
        groups: 1,
        seed: 3,
        clients: [{ clientId: 'owned-app', clientSecret: 's', roles: ['Application.ReadWrite.OwnedBy'] }],
      });
      try {
        const ownedToken = await appToken(owned, { clientId: 'owned-app', clientSecret: 's' });
        const own = await graphGet(owned, `/servicePrincipals(appId='owned-app')`, ownedToken);
        const assignments = await graphGet(
          owned,
          `/servicePrincipals/${own.body.id as string}/appRoleAssignedTo`,
          ownedToken,
        );
        assert.equal(assignments.status, 200, JSON.stringify(assignments.body));
      } finally {
        await owned.close();
      }
    });

    it('returns the organization with its verified domain', async () => {
      const org = await graphGet(emulator, '/organization', token);
      const tenant = (org.body.value as Json[])[0]!;
      assert.equal(tenant.id, emulator.tenantId);
      assert.equal((tenant.verifiedDomains as Json[])[0]!.name, emulator.tenant.domain);
    });
  });
});
