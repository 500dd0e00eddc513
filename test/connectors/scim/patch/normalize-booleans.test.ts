import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normalizeScimBooleans } from '../../../../src/connectors/scim/patch/index.js';
import { ENTERPRISE, assertScimError } from './helpers.js';

describe('Entra: string booleans in POST and PUT bodies (SCIMReferenceCode #21)', () => {
  test('turns "True" and "False" on active into booleans, whatever the key\'s case', () => {
    assert.deepEqual(normalizeScimBooleans({ userName: 'a', active: 'True' }, 'User'), {
      userName: 'a',
      active: true,
    });
    assert.deepEqual(normalizeScimBooleans({ userName: 'a', Active: 'false' }, 'User'), {
      userName: 'a',
      Active: false,
    });
  });

  test('turns primary on emails, phone numbers and roles into booleans', () => {
    const body = {
      emails: [{ value: 'a@b.c', type: 'work', primary: 'true' }],
      phoneNumbers: [{ value: '1', Primary: 'False' }],
      roles: [{ value: 'Admin', primary: 'False', type: 'WindowsAzureActiveDirectoryRole' }],
    };
    assert.deepEqual(normalizeScimBooleans(body, 'User'), {
      emails: [{ value: 'a@b.c', type: 'work', primary: true }],
      phoneNumbers: [{ value: '1', Primary: false }],
      roles: [{ value: 'Admin', primary: false, type: 'WindowsAzureActiveDirectoryRole' }],
    });
  });

  test('reads URN-qualified core attributes', () => {
    const body = { 'urn:ietf:params:scim:schemas:core:2.0:User:active': 'TRUE' };
    assert.deepEqual(normalizeScimBooleans(body, 'User'), {
      'urn:ietf:params:scim:schemas:core:2.0:User:active': true,
    });
  });

  test('reads the core attributes inside an object keyed by the core schema URN', () => {
    const core = 'urn:ietf:params:scim:schemas:core:2.0:User';
    const body = {
      userName: 'a',
      [core]: { active: 'False', emails: [{ value: 'a@b.c', primary: 'TRUE' }], [`${core}:active`]: 'false' },
      [core.toUpperCase()]: { Active: 'true' },
    };
    assert.deepEqual(normalizeScimBooleans(body, 'User'), {
      userName: 'a',
      [core]: { active: false, emails: [{ value: 'a@b.c', primary: true }], [`${core}:active`]: false },
      [core.toUpperCase()]: { Active: true },
    });
    assertScimError(
      () => normalizeScimBooleans({ [core]: { active: 'no' } }, 'User'),
      'invalidValue',
      /"active" must be true or false/,
    );
  });

  test('leaves strings on non-boolean attributes and unknown attributes alone', () => {
    const body = { title: 'True', nickName: 'false', [ENTERPRISE]: { department: 'True' }, custom: 'False' };
    assert.deepEqual(normalizeScimBooleans(body, 'User'), body);
  });

  test('leaves real booleans and the rest of the body as sent', () => {
    const body = {
      userName: 'a',
      active: true,
      name: { givenName: 'A' },
      emails: [{ value: 'x', primary: false }],
    };
    assert.deepEqual(normalizeScimBooleans(body, 'User'), body);
  });

  test('does not change the body passed in', () => {
    const body = { active: 'True' };
    normalizeScimBooleans(body, 'User');
    assert.deepEqual(body, { active: 'True' });
  });

  test('rejects a string on a boolean attribute that is not true or false', () => {
    assertScimError(
      () => normalizeScimBooleans({ active: 'yes' }, 'User'),
      'invalidValue',
      /"active" must be true or false, not "yes"/,
    );
    assertScimError(
      () => normalizeScimBooleans({ emails: [{ primary: '1' }] }, 'User'),
      'invalidValue',
      /emails.primary/,
    );
  });

  test('touches nothing on a Group, which has no boolean attributes', () => {
    const body = { displayName: 'G', members: [{ value: 'u' }], active: 'True' };
    assert.deepEqual(normalizeScimBooleans(body, 'Group'), body);
  });
});
