import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ENTERPRISE, assertScimError, patchUser, sampleUser } from './helpers.js';

describe('RFC 7644 §3.5.2.2 remove', () => {
  test('requires a path: noTarget', () => {
    assertScimError(() => patchUser(sampleUser(), { op: 'remove' }), 'noTarget', /remove needs a "path"/);
    assertScimError(
      () => patchUser(sampleUser(), { op: 'remove', path: '  ' }),
      'noTarget',
      /needs a "path"/,
    );
  });

  test('removes a single-valued attribute', () => {
    assert.equal('displayName' in patchUser(sampleUser(), { op: 'remove', path: 'displayName' }), false);
  });

  test('removes every value of a multi-valued attribute', () => {
    assert.equal('emails' in patchUser(sampleUser(), { op: 'remove', path: 'emails' }), false);
  });

  test('removes the values a filter selects, and the attribute when none remain', () => {
    const user = patchUser(sampleUser(), { op: 'remove', path: 'emails[type eq "home"]' });
    assert.deepEqual(user.emails, [{ value: 'bjensen@example.com', type: 'work', primary: true }]);
    const none = patchUser(user, { op: 'remove', path: 'emails[type eq "work"]' });
    assert.equal('emails' in none, false);
  });

  test('removes a sub-attribute of the selected values', () => {
    const user = patchUser(sampleUser(), { op: 'remove', path: 'emails[type eq "work"].primary' });
    assert.deepEqual((user.emails as unknown[])[0], { value: 'bjensen@example.com', type: 'work' });
  });

  test('removes a sub-attribute, and a complex attribute left empty', () => {
    const once = patchUser(sampleUser(), { op: 'remove', path: 'name.givenName' });
    assert.deepEqual(once.name, { familyName: 'Jensen' });
    assert.equal('name' in patchUser(once, { op: 'remove', path: 'name.familyName' }), false);
  });

  test('removes an extension attribute, and the extension once empty', () => {
    const user = { ...sampleUser(), [ENTERPRISE]: { department: 'Tours' } };
    assert.equal(ENTERPRISE in patchUser(user, { op: 'remove', path: `${ENTERPRISE}:department` }), false);
    assert.equal(ENTERPRISE in patchUser(user, { op: 'remove', path: ENTERPRISE }), false);
  });

  test('treats a missing target as success, as Entra expects', () => {
    const user = sampleUser();
    assert.deepEqual(patchUser(user, { op: 'remove', path: 'nickName' }), user);
    assert.deepEqual(patchUser(user, { op: 'remove', path: 'emails[type eq "other"]' }), user);
  });

  test('with a value, removes only the equal values of a multi-valued attribute', () => {
    const user = patchUser(sampleUser(), {
      op: 'remove',
      path: 'emails',
      value: [{ value: 'BABS@jensen.org', type: 'home' }],
    });
    assert.equal((user.emails as unknown[]).length, 1);
  });

  test('refuses to remove a required attribute', () => {
    assertScimError(
      () => patchUser(sampleUser(), { op: 'remove', path: 'userName' }),
      'invalidValue',
      /userName" is required/,
    );
  });
});
