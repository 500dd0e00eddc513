import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ENTERPRISE, patchUser, sampleUser } from './helpers.js';

describe('RFC 7644 §3.5.2.1 add', () => {
  test('sets an attribute that has no value', () => {
    assert.equal(patchUser(sampleUser(), { op: 'add', path: 'nickName', value: 'Babs' }).nickName, 'Babs');
  });

  test('replaces the value of a single-valued attribute', () => {
    assert.equal(patchUser(sampleUser(), { op: 'add', path: 'displayName', value: 'B' }).displayName, 'B');
  });

  test('appends to a multi-valued attribute and does not repeat a value already there', () => {
    const user = patchUser(sampleUser(), {
      op: 'add',
      path: 'emails',
      value: [
        { value: 'BJENSEN@example.com', type: 'work', primary: true },
        { value: 'b@other.org', type: 'other' },
      ],
    });
    assert.deepEqual(user.emails, [
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
      { value: 'b@other.org', type: 'other' },
    ]);
  });

  test('wraps a single value added to a multi-valued attribute', () => {
    const user = patchUser(sampleUser(), {
      op: 'add',
      path: 'phoneNumbers',
      value: { value: '555', type: 'work' },
    });
    assert.deepEqual(user.phoneNumbers, [{ value: '555', type: 'work' }]);
  });

  test('keeps at most one primary value: the one just added wins (RFC 7643 §2.4)', () => {
    const user = patchUser(sampleUser(), {
      op: 'add',
      path: 'emails',
      value: [{ value: 'n@x.org', primary: true }],
    });
    const primaries = (user.emails as { primary?: boolean; value: string }[]).filter(
      (email) => email.primary,
    );
    assert.deepEqual(
      primaries.map((email) => email.value),
      ['n@x.org'],
    );
  });

  test('merges sub-attributes into a complex attribute', () => {
    const user = patchUser(sampleUser(), { op: 'add', path: 'name', value: { middleName: 'Jane' } });
    assert.deepEqual(user.name, { givenName: 'Barbara', familyName: 'Jensen', middleName: 'Jane' });
  });

  test('without a path, adds each attribute of the value', () => {
    const user = patchUser(sampleUser(), {
      op: 'add',
      value: {
        title: 'Guide',
        emails: [{ value: 'x@y.z', type: 'other' }],
        [ENTERPRISE]: { department: 'Tours' },
      },
    });
    assert.equal(user.title, 'Guide');
    assert.equal((user.emails as unknown[]).length, 3);
    assert.deepEqual(user[ENTERPRISE], { department: 'Tours' });
  });

  test("stores attribute and sub-attribute names in the schema's spelling", () => {
    const user = patchUser(
      sampleUser(),
      { op: 'add', path: 'NICKNAME', value: 'B' },
      { op: 'add', path: 'Name.GivenName', value: 'Bea' },
    );
    assert.equal(user.nickName, 'B');
    assert.deepEqual(user.name, { givenName: 'Bea', familyName: 'Jensen' });
    const stored = patchUser(
      { id: '1', userName: 'u', NickName: 'old' },
      { op: 'replace', path: 'nickname', value: 'new' },
    );
    assert.deepEqual(stored, { id: '1', userName: 'u', nickName: 'new' });
  });

  test('stores extension attributes under their schema URN (RFC 7643 §3.3)', () => {
    const user = patchUser(sampleUser(), {
      op: 'add',
      path: `${ENTERPRISE.toUpperCase()}:DEPARTMENT`,
      value: 'Tours',
    });
    assert.deepEqual(user[ENTERPRISE], { department: 'Tours' });
  });

  test('stores custom extension attributes under their own URN, as sent', () => {
    const uri = 'urn:ietf:params:scim:schemas:extension:Acme:2.0:User';
    const user = patchUser(sampleUser(), { op: 'add', path: `${uri}:badgeNumber`, value: 12 });
    assert.deepEqual(user[uri], { badgeNumber: 12 });
  });

  test('adds a whole extension named by its URN', () => {
    const user = patchUser(sampleUser(), {
      op: 'add',
      path: ENTERPRISE,
      value: { employeeNumber: '7', costCenter: 'C1' },
    });
    assert.deepEqual(user[ENTERPRISE], { employeeNumber: '7', costCenter: 'C1' });
  });
});
