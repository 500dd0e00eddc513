// Every PATCH shape Microsoft Entra ID sends (shared/reference/entra.md), modeled on Microsoft's
// before/after samples for the `aadOptscim062020` flag: Entra still sends the legacy shape for
// on-demand provisioning and for Tenant URLs without the flag, so both must work.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyPatch } from '../../../../src/connectors/scim/patch/index.js';
import { ENTERPRISE, assertScimError, patchGroup, patchUser, sampleUser } from './helpers.js';

describe('Entra: disable a user', () => {
  test('without the flag: "Replace" with the string "False"', () => {
    const user = patchUser(sampleUser(), { op: 'Replace', path: 'active', value: 'False' });
    assert.equal(user.active, false);
  });

  test('with the flag: "replace" with the boolean false', () => {
    assert.equal(patchUser(sampleUser(), { op: 'replace', path: 'active', value: false }).active, false);
  });

  test('re-enables with "True" in any case', () => {
    const disabled = { ...sampleUser(), active: false };
    assert.equal(patchUser(disabled, { op: 'Replace', path: 'active', value: 'True' }).active, true);
    assert.equal(patchUser(disabled, { op: 'Replace', path: 'active', value: 'true' }).active, true);
  });

  test('coerces string booleans only on boolean attributes', () => {
    assert.equal(patchUser(sampleUser(), { op: 'Replace', path: 'title', value: 'False' }).title, 'False');
  });
});

describe('Entra: add a single-valued attribute', () => {
  test('without the flag: "Add" sets or replaces the value', () => {
    assert.equal(patchUser(sampleUser(), { op: 'Add', path: 'nickName', value: 'Babs' }).nickName, 'Babs');
    assert.equal(
      patchUser(sampleUser(), { op: 'Add', path: 'displayName', value: 'New' }).displayName,
      'New',
    );
  });

  test('with the flag: "add"', () => {
    assert.equal(patchUser(sampleUser(), { op: 'add', path: 'nickName', value: 'Babs' }).nickName, 'Babs');
  });
});

describe('Entra: replace several attributes', () => {
  const expectUpdated = (user: Record<string, unknown>) => {
    assert.equal(user.displayName, 'Pvlo');
    assert.deepEqual(user.name, { givenName: 'Ysmwilliam', familyName: 'Hwrx' });
    assert.deepEqual((user.emails as unknown[])[0], {
      value: 'TestBcwqnm@test.microsoft.com',
      type: 'work',
      primary: true,
    });
    assert.deepEqual(user[ENTERPRISE], { employeeNumber: 'Kcgbsd' });
  };

  test('without the flag: one "Replace" per path, including a filtered and a URN path', () => {
    expectUpdated(
      patchUser(
        sampleUser(),
        { op: 'Replace', path: 'displayName', value: 'Pvlo' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'TestBcwqnm@test.microsoft.com' },
        { op: 'Replace', path: 'name.givenName', value: 'Ysmwilliam' },
        { op: 'Replace', path: 'name.familyName', value: 'Hwrx' },
        { op: 'Replace', path: `${ENTERPRISE}:employeeNumber`, value: 'Kcgbsd' },
      ),
    );
  });

  test('with the flag: a filtered-path op plus a path-less replace with dotted and URN keys', () => {
    expectUpdated(
      patchUser(
        sampleUser(),
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'TestBcwqnm@test.microsoft.com' },
        {
          op: 'replace',
          value: {
            displayName: 'Pvlo',
            'name.givenName': 'Ysmwilliam',
            'name.familyName': 'Hwrx',
            [`${ENTERPRISE}:employeeNumber`]: 'Kcgbsd',
          },
        },
      ),
    );
  });

  test('path-less replace also disables with a string boolean', () => {
    assert.equal(patchUser(sampleUser(), { op: 'Replace', value: { active: 'False' } }).active, false);
  });
});

describe('Entra: filtered paths on multi-valued attributes', () => {
  test('creates the work email when the user has none', () => {
    const user = { id: '1', userName: 'ann' };
    const patched = patchUser(user, {
      op: 'Replace',
      path: 'emails[type eq "work"].value',
      value: 'ann@contoso.com',
    });
    assert.deepEqual(patched.emails, [{ type: 'work', value: 'ann@contoso.com' }]);
  });

  test('creates or updates phone numbers by type (work, mobile, fax)', () => {
    const patched = patchUser(
      { id: '1', userName: 'ann', phoneNumbers: [{ type: 'work', value: '1' }] },
      { op: 'Add', path: 'phoneNumbers[type eq "work"].value', value: '2' },
      { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '3' },
      { op: 'Replace', path: 'phoneNumbers[type eq "fax"].value', value: '4' },
    );
    assert.deepEqual(patched.phoneNumbers, [
      { type: 'work', value: '2' },
      { type: 'mobile', value: '3' },
      { type: 'fax', value: '4' },
    ]);
  });

  test('creates an address by type, one sub-attribute at a time', () => {
    const patched = patchUser(
      { id: '1', userName: 'ann' },
      { op: 'Add', path: 'addresses[type eq "work"].streetAddress', value: '1 Main St' },
      { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'Redmond' },
      { op: 'Add', path: 'addresses[type eq "work"].formatted', value: '1 Main St, Redmond' },
    );
    assert.deepEqual(patched.addresses, [
      { type: 'work', streetAddress: '1 Main St', locality: 'Redmond', formatted: '1 Main St, Redmond' },
    ]);
  });

  test('removes a typed value, and accepts removing one that is not there', () => {
    const patched = patchUser(sampleUser(), { op: 'Remove', path: 'emails[type eq "home"]' });
    assert.equal((patched.emails as unknown[]).length, 1);
    assert.deepEqual(patchUser(patched, { op: 'Remove', path: 'emails[type eq "home"].value' }), patched);
  });
});

describe('Entra: the enterprise manager', () => {
  test('sets the manager from a plain id string', () => {
    const user = patchUser(sampleUser(), {
      op: 'Add',
      path: `${ENTERPRISE}:manager`,
      value: '26118915-6090',
    });
    assert.deepEqual(user[ENTERPRISE], { manager: { value: '26118915-6090' } });
  });

  test('replaces the manager from a plain id string, and from a path-less URN key', () => {
    const first = patchUser(sampleUser(), { op: 'Replace', path: `${ENTERPRISE}:manager`, value: 'a' });
    const second = patchUser(first, { op: 'replace', value: { [`${ENTERPRISE}:manager`]: 'b' } });
    assert.deepEqual(second[ENTERPRISE], { manager: { value: 'b' } });
  });

  test('accepts the RFC form {value} too', () => {
    const user = patchUser(sampleUser(), { op: 'add', path: `${ENTERPRISE}:manager`, value: { value: 'm' } });
    assert.deepEqual(user[ENTERPRISE], { manager: { value: 'm' } });
  });

  test('removes the manager, ignoring a value sent with the removal', () => {
    const user = { ...sampleUser(), [ENTERPRISE]: { manager: { value: 'm' }, department: 'D' } };
    const patched = patchUser(user, { op: 'Remove', path: `${ENTERPRISE}:manager`, value: [{ value: 'm' }] });
    assert.deepEqual(patched[ENTERPRISE], { department: 'D' });
  });
});

describe('Entra: app roles', () => {
  test('parses a role sent as JSON text inside value (SingleAppRoleAssignment)', () => {
    const user = patchUser(sampleUser(), {
      op: 'Add',
      path: 'roles',
      value: [
        { value: '{"id":"06b07648-ecfe-589f-9d2f-6325724a46ee","value":"Admin","displayName":"Admin"}' },
      ],
    });
    assert.deepEqual(user.roles, [{ value: 'Admin', display: 'Admin' }]);
  });

  test('falls back to the role id when the JSON has no value', () => {
    const user = patchUser(sampleUser(), {
      op: 'Add',
      path: 'roles',
      value: [{ value: '{"id":"r-1","displayName":"Reader"}' }],
    });
    assert.deepEqual(user.roles, [{ value: 'r-1', display: 'Reader' }]);
  });

  test('removes a role named only by its value, as POST stored it with primary, type and display', () => {
    const roles = [
      { primary: false, type: 'WindowsAzureActiveDirectoryRole', value: 'Admin', display: 'Admin' },
      { primary: false, type: 'WindowsAzureActiveDirectoryRole', value: 'User', display: 'User' },
    ];
    const byValue = patchUser(
      { ...sampleUser(), roles },
      { op: 'Remove', path: 'roles', value: [{ value: 'Admin' }] },
    );
    assert.deepEqual(
      (byValue.roles as { value: string }[]).map((role) => role.value),
      ['User'],
    );
    const byJsonText = patchUser(
      { ...sampleUser(), roles },
      {
        op: 'Remove',
        path: 'roles',
        value: [{ value: '{"id":"06b0","value":"User","displayName":"User"}' }],
      },
    );
    assert.deepEqual(
      (byJsonText.roles as { value: string }[]).map((role) => role.value),
      ['Admin'],
    );
  });

  test('does not add a role twice', () => {
    const role = { value: '{"id":"1","value":"Admin","displayName":"Admin"}' };
    const user = patchUser(
      sampleUser(),
      { op: 'Add', path: 'roles', value: [role] },
      { op: 'Add', path: 'roles', value: [role] },
    );
    assert.equal((user.roles as unknown[]).length, 1);
  });

  test('replaces all roles with real objects (AssertiveAppRoleAssignmentsComplex), so removed roles go', () => {
    const user = { ...sampleUser(), roles: [{ value: 'Admin' }, { value: 'Reader' }] };
    const patched = patchUser(user, {
      op: 'replace',
      path: 'roles',
      value: [
        { primary: false, type: 'WindowsAzureActiveDirectoryRole', value: 'Writer', display: 'Writer' },
      ],
    });
    assert.deepEqual(patched.roles, [
      { primary: false, type: 'WindowsAzureActiveDirectoryRole', value: 'Writer', display: 'Writer' },
    ]);
  });

  test('keeps an ordinary role value that is not JSON', () => {
    const user = patchUser(sampleUser(), { op: 'Add', path: 'roles', value: [{ value: '{not json' }] });
    assert.deepEqual(user.roles, [{ value: '{not json' }]);
  });
});

describe('Entra: custom extension attributes', () => {
  test('stores urn:ietf:params:scim:schemas:extension:<Name>:2.0:User:<attr> under its URN', () => {
    const uri = 'urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User';
    const user = patchUser(
      sampleUser(),
      { op: 'Add', path: `${uri}:costCode`, value: 'X1' },
      { op: 'replace', value: { [`${uri}:shift`]: 'night' } },
    );
    assert.deepEqual(user[uri], { costCode: 'X1', shift: 'night' });
  });
});

describe('Entra: group updates', () => {
  const group = () => ({ id: 'g-1', displayName: 'Sales', externalId: 'e-1' });

  test('renames a group with "Replace"', () => {
    assert.equal(
      patchGroup(group(), { op: 'Replace', path: 'displayName', value: 'Sales EMEA' }).resource.displayName,
      'Sales EMEA',
    );
  });

  test('adds a member sent with "$ref": null', () => {
    const result = patchGroup(group(), {
      op: 'Add',
      path: 'members',
      value: [{ $ref: null, value: 'f648f8d5ea4e4cd38e9c' }],
    });
    assert.deepEqual(result.memberChanges, {
      added: ['f648f8d5ea4e4cd38e9c'],
      removed: [],
      removeAllMembers: false,
    });
    assert.equal('members' in result.resource, false);
  });

  test('without the flag: removes a member by "members" plus a value list', () => {
    const result = patchGroup(group(), { op: 'Remove', path: 'members', value: [{ value: 'u1091' }] });
    assert.deepEqual(result.memberChanges, { added: [], removed: ['u1091'], removeAllMembers: false });
  });

  test('with the flag: removes a member by a members[value eq "…"] filter', () => {
    const result = patchGroup(group(), {
      op: 'remove',
      path: 'members[value eq "7f4bc1a3-285e-48ae-8202-5accb43efb0e"]',
    });
    assert.deepEqual(result.memberChanges, {
      added: [],
      removed: ['7f4bc1a3-285e-48ae-8202-5accb43efb0e'],
      removeAllMembers: false,
    });
  });

  test('reads a body whose structural names differ in case', () => {
    const result = applyPatch(
      group(),
      {
        Schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        operations: [{ OP: 'Add', Path: 'members', Value: [{ value: 'u' }] }],
      },
      'Group',
    );
    assert.deepEqual(result.memberChanges.added, ['u']);
  });

  test('rejects a member without an id', () => {
    assertScimError(
      () => patchGroup(group(), { op: 'Add', path: 'members', value: [{ display: 'no id' }] }),
      'invalidValue',
      /member id/,
    );
  });
});
