import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { extractEqualityLookups, parseFilter } from '../../../../src/connectors/scim/filter/index.js';

const lookups = (filter: string, resourceType?: 'User' | 'Group') =>
  extractEqualityLookups(parseFilter(filter), resourceType);

describe('equality lookups the store can push down to SQL', () => {
  test('recognises the userName query Entra sends for every user', () => {
    assert.deepEqual(lookups('userName eq "Test_User_dfeef4c5@contoso.com"', 'User'), [
      { attribute: 'userName', value: 'Test_User_dfeef4c5@contoso.com', caseExact: false },
    ]);
  });

  test('recognises externalId and id, which compare case-exactly', () => {
    assert.deepEqual(lookups('externalId eq "0a21f0f2-8d2a"'), [
      { attribute: 'externalId', value: '0a21f0f2-8d2a', caseExact: true },
    ]);
    assert.deepEqual(lookups('ID eq "abc"'), [{ attribute: 'id', value: 'abc', caseExact: true }]);
  });

  test('recognises the Group displayName query', () => {
    assert.deepEqual(lookups('displayName eq "Sales"', 'Group'), [
      { attribute: 'displayName', value: 'Sales', caseExact: false },
    ]);
  });

  test('recognises the email matching shapes', () => {
    const work = [{ attribute: 'emails.value', value: 'a@b.c', caseExact: false, emailType: 'work' }];
    assert.deepEqual(lookups('emails[type eq "work"].value eq "a@b.c"'), work);
    assert.deepEqual(lookups('emails[type eq "work" and value eq "a@b.c"]'), work);
    assert.deepEqual(lookups('emails.value eq "a@b.c"'), [
      { attribute: 'emails.value', value: 'a@b.c', caseExact: false },
    ]);
    assert.deepEqual(lookups('emails[value eq "a@b.c"]'), [
      { attribute: 'emails.value', value: 'a@b.c', caseExact: false },
    ]);
  });

  test('recognises an and of lookups, however it is grouped', () => {
    assert.deepEqual(lookups('userName eq "a" and (externalId eq "b" and id eq "c")', 'User'), [
      { attribute: 'userName', value: 'a', caseExact: false },
      { attribute: 'externalId', value: 'b', caseExact: true },
      { attribute: 'id', value: 'c', caseExact: true },
    ]);
  });

  test("recognises a group's members: groups[value eq], groups.value eq and groups eq, case-exactly", () => {
    const members = [{ attribute: 'groups.value', value: 'G-1', caseExact: true }];
    for (const filter of [
      'groups[value eq "G-1"]',
      'GROUPS[Value eq "G-1"]',
      'groups.value eq "G-1"',
      'groups eq "G-1"',
      'urn:ietf:params:scim:schemas:core:2.0:User:groups.value eq "G-1"',
    ]) {
      assert.deepEqual(lookups(filter, 'User'), members, filter);
    }
    assert.deepEqual(lookups('groups[value eq "G-1"] and userName eq "a"', 'User'), [
      ...members,
      { attribute: 'userName', value: 'a', caseExact: false },
    ]);
  });

  test('leaves every other groups filter, and groups on a Group, to the in-memory evaluation', () => {
    for (const filter of [
      'groups.display eq "Sales"',
      'groups[value eq "G-1" and type eq "direct"]',
      'groups[display eq "Sales"]',
      'groups[value ne "G-1"]',
      'groups.value co "G-1"',
      'groups.value eq "G-1" or groups.value eq "G-2"',
      'not (groups.value eq "G-1")',
      'groups pr',
      'urn:ietf:params:scim:schemas:core:2.0:Group:groups.value eq "G-1"',
    ]) {
      assert.equal(lookups(filter, 'User'), undefined, filter);
    }
    assert.equal(lookups('groups.value eq "G-1"', 'Group'), undefined);
    assert.equal(lookups('groups[value eq "G-1"]', 'Group'), undefined);
  });

  test("accepts the resource type's own core URN prefix only", () => {
    assert.equal(lookups('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"', 'User')?.length, 1);
    assert.equal(lookups('urn:ietf:params:scim:schemas:core:2.0:Group:userName eq "a"', 'User'), undefined);
  });

  test('returns undefined for every other shape', () => {
    for (const filter of [
      'userName ne "a"',
      'userName co "a"',
      'userName eq "a" or externalId eq "b"',
      'not (userName eq "a")',
      'title eq "a"',
      'active eq true',
      'userName pr',
      'emails[type eq "work"]',
      'emails[type co "work"].value eq "a"',
      'phoneNumbers[type eq "work"].value eq "1"',
      'name.givenName eq "a"',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1"',
    ]) {
      assert.equal(lookups(filter), undefined, filter);
    }
  });

  test('keeps userName for Users and displayName for Groups', () => {
    assert.equal(lookups('userName eq "a"', 'Group'), undefined);
    assert.equal(lookups('displayName eq "a"', 'User'), undefined);
  });
});
