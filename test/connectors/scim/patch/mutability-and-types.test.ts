import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ENTERPRISE, assertScimError, patchGroup, patchUser, sampleUser } from './helpers.js';

describe('RFC 7643 §2.2 mutability', () => {
  test('refuses to change id or meta', () => {
    assertScimError(
      () => patchUser(sampleUser(), { op: 'replace', path: 'id', value: 'x' }),
      'mutability',
      /"id" is readOnly/,
    );
    assertScimError(
      () =>
        patchUser(sampleUser(), { op: 'replace', path: 'meta.lastModified', value: '2030-01-01T00:00:00Z' }),
      'mutability',
      /readOnly/,
    );
    assertScimError(() => patchUser(sampleUser(), { op: 'remove', path: 'meta' }), 'mutability', /readOnly/);
  });

  test('refuses to write the readOnly groups attribute of a User', () => {
    assertScimError(
      () => patchUser(sampleUser(), { op: 'add', path: 'groups', value: [{ value: 'g' }] }),
      'mutability',
      /readOnly/,
    );
  });

  test('refuses every operation on groups, removes included: they are memberships, not stored values', () => {
    const core = 'urn:ietf:params:scim:schemas:core:2.0:User';
    for (const operation of [
      { op: 'remove', path: 'groups' },
      { op: 'remove', path: 'groups[value eq "g"]' },
      { op: 'replace', path: 'groups', value: [] },
      { op: 'replace', path: 'groups.display', value: 'x' },
      { op: 'replace', path: `${core}:groups`, value: [{ value: 'g' }] },
      { op: 'replace', value: { [core]: { groups: [{ value: 'g' }] } } },
    ]) {
      assertScimError(() => patchUser(sampleUser(), operation), 'mutability', /groups.*readOnly/);
    }
  });

  test('refuses to change a readOnly sub-attribute such as manager.displayName', () => {
    assertScimError(
      () => patchUser(sampleUser(), { op: 'add', path: `${ENTERPRISE}:manager.displayName`, value: 'Boss' }),
      'mutability',
      /readOnly/,
    );
  });

  test('accepts a path-less value that repeats the current id, as some clients send', () => {
    const user = patchUser(sampleUser(), {
      op: 'replace',
      value: { id: '2819c223-7f76-453a-919d-413861904646', title: 'x' },
    });
    assert.equal(user.title, 'x');
  });

  test('accepts the writeOnly password in every shape and keeps none of it', () => {
    const core = 'urn:ietf:params:scim:schemas:core:2.0:User';
    const operations = [
      { op: 'replace', path: 'password', value: 's3cret!' },
      { op: 'Add', path: 'PassWord', value: 's3cret!' },
      { op: 'replace', path: `${core}:password`, value: 's3cret!' },
      { op: 'replace', value: { password: 's3cret!', title: 'Engineer' } },
      { op: 'replace', value: { [`${core}:password`]: 's3cret!' } },
      { op: 'replace', value: { [core]: { password: 's3cret!', nickName: 'Babs' } } },
      { op: 'replace', value: { [core]: { [`${core}:password`]: 's3cret!' } } },
      { op: 'add', path: core.toLowerCase(), value: { [core]: { PASSWORD: 's3cret!' } } },
      { op: 'remove', path: 'password' },
    ];
    const user = patchUser(sampleUser(), ...operations);
    assert.equal(JSON.stringify(user).includes('s3cret!'), false, JSON.stringify(user));
    assert.equal(user.title, 'Engineer');
    assert.equal(user.nickName, 'Babs', 'the core URN holding an object sets core attributes');
    assert.deepEqual(
      patchUser(sampleUser(), { op: 'replace', path: 'password', value: 's3cret!' }),
      sampleUser(),
      'a PATCH that only sets the password changes nothing',
    );
  });
});

describe('RFC 7643 §2.3 value types', () => {
  test('rejects a value of the wrong type with invalidValue', () => {
    assertScimError(
      () => patchUser(sampleUser(), { op: 'replace', path: 'userName', value: 5 }),
      'invalidValue',
      /"userName" must be a string, not a number/,
    );
    assertScimError(
      () => patchUser(sampleUser(), { op: 'replace', path: 'active', value: 'yes' }),
      'invalidValue',
      /true or false/,
    );
    assertScimError(
      () => patchUser(sampleUser(), { op: 'replace', path: 'name', value: 'Ann' }),
      'invalidValue',
      /an object of sub-attributes/,
    );
    assertScimError(
      () => patchUser(sampleUser(), { op: 'add', path: 'emails', value: ['x@y.z'] }),
      'invalidValue',
      /an object/,
    );
    assertScimError(
      () =>
        patchUser(sampleUser(), { op: 'add', path: 'emails', value: [{ value: 'x@y.z', primary: 'maybe' }] }),
      'invalidValue',
      /"emails.primary" must be true or false/,
    );
  });

  test('rejects a path-less value that is not an object', () => {
    assertScimError(
      () => patchUser(sampleUser(), { op: 'replace', value: 'x' }),
      'invalidValue',
      /object of attributes/,
    );
  });

  test('rejects a sub-attribute of a simple attribute, and a filter on a single-valued one', () => {
    assertScimError(
      () => patchUser(sampleUser(), { op: 'add', path: 'userName.first', value: 'x' }),
      'invalidPath',
      /has no sub-attribute/,
    );
    assertScimError(
      () => patchUser(sampleUser(), { op: 'add', path: 'name[givenName eq "x"].familyName', value: 'y' }),
      'invalidPath',
      /multi-valued/,
    );
  });

  test('rejects a malformed path with invalidPath and a bad filter with invalidFilter', () => {
    assertScimError(
      () => patchUser(sampleUser(), { op: 'add', path: 'emails[type eq "work"]value', value: 'x' }),
      'invalidPath',
      /Operation 1 \(add\): Invalid path/,
    );
    assertScimError(
      () => patchUser(sampleUser(), { op: 'add', path: 'emails[type gt true].value', value: 'x' }),
      'invalidFilter',
      /booleans|string attribute/,
    );
  });

  test("rejects a path naming another resource type's core schema", () => {
    assertScimError(
      () =>
        patchUser(sampleUser(), {
          op: 'add',
          path: 'urn:ietf:params:scim:schemas:core:2.0:Group:displayName',
          value: 'x',
        }),
      'invalidPath',
      /names a schema that User resources do not have/,
    );
  });

  test('rejects names the schema rules out, and keeps names an admin may have added', () => {
    for (const path of ['name.nosuch', 'emails.nosuch', 'emails[type eq "work"].nosuch']) {
      assertScimError(
        () => patchUser(sampleUser(), { op: 'replace', path, value: 'x' }),
        'invalidPath',
        /has no sub-attribute "nosuch"/,
      );
    }
    assertScimError(
      () => patchUser(sampleUser(), { op: 'replace', path: `${ENTERPRISE}:nosuch`, value: 'x' }),
      'invalidPath',
      /Enterprise User extension has no such attribute/,
    );
    assertScimError(
      () => patchUser(sampleUser(), { op: 'replace', path: 'members', value: 'x' }),
      'invalidPath',
      /attribute of Group resources/,
    );
    assertScimError(
      () => patchGroup({ displayName: 'G' }, { op: 'replace', path: 'userName', value: 'x' }),
      'invalidPath',
      /attribute of User resources/,
    );
    // Entra's attribute list takes target attributes of any name, and custom extensions are the admin's.
    assert.equal(
      patchUser(sampleUser(), { op: 'replace', path: 'employeeStatus', value: 'on leave' }).employeeStatus,
      'on leave',
    );
    const custom = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
    const user = patchUser(sampleUser(), { op: 'add', path: `${custom}:costCenter`, value: 'CC-1' });
    assert.deepEqual(user[custom], { costCenter: 'CC-1' });
  });

  test('rejects values nested too deeply, without recursing into them', () => {
    let deep: unknown = 'x';
    for (let level = 0; level < 5000; level += 1) deep = { deep };
    assertScimError(
      () => patchUser(sampleUser(), { op: 'add', path: 'custom', value: deep }),
      'invalidValue',
      /nested more than/,
    );
  });

  test('keeps "__proto__" an ordinary key and never pollutes prototypes', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as unknown;
    const user = patchUser(sampleUser(), { op: 'add', path: 'custom', value });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(user.custom), Object.prototype);
    assert.deepEqual(Object.keys(user.custom as object), ['__proto__', 'ok']);
  });
});
