import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { PolicySchema, policyJsonSchema } from '../../../src/domain/policy/policy-schema.js';
import { defaultPolicy } from '../../../src/domain/policy/policy.js';
import { validatePolicy } from '../../../src/domain/policy/validate-policy.js';

function rejects(json: unknown, field: string, message: RegExp): void {
  assert.throws(
    () => validatePolicy(json),
    (error: Error & { code?: string; field?: string }) => {
      assert.equal(error.code, 'invalid_input');
      assert.equal(error.field, field);
      assert.match(error.message, message);
      return true;
    },
  );
}

describe('validatePolicy', () => {
  test('an empty policy is the default policy of the connector', () => {
    assert.deepEqual(validatePolicy({}, 'graph'), defaultPolicy('graph'));
    assert.equal(validatePolicy({}, 'scim').lifecycle.onDelete, 'delete');
  });

  test('accepts every documented setting', () => {
    const policy = validatePolicy({
      scope: {
        users: 'groups',
        groups: [{ id: '6f1c…' }, { name: 'Pilot' }],
        nested: true,
        filter: {
          and: [
            { attribute: 'userType', equals: 'Member' },
            { not: { attribute: 'department', in: ['Temp', 'Interns'] } },
            {
              or: [
                { memberOf: { name: 'VIP' } },
                { attribute: 'mail', startsWith: 'a' },
                { attribute: 'jobTitle', contains: 'lead' },
              ],
            },
            { attribute: 'companyName', notEquals: 'Contoso' },
          ],
        },
      },
      attributeMapping: {
        email: { lower: { firstOf: ['mail', 'userPrincipalName'] } },
        displayName: { join: ['givenName', 'surname'], separator: ' ' },
        costCenter: { constant: 'CC-1' },
      },
      customFields: ['costCenter'],
      groups: {
        unmapped: 'ignore',
        mappings: [
          { directoryGroup: { name: 'Sales' }, platformGroup: { create: 'Sales' }, autoRemove: false },
        ],
      },
      roles: { fromSource: false, rules: [{ group: { name: 'Admins' }, role: 'Admin' }] },
      lifecycle: {
        onDelete: 'deactivate',
        autoRemoveFromGroups: false,
        outOfScope: 'delete',
        deleteAfterDays: 30,
      },
      newUsers: { enrollmentEmail: true, credentials: ['mobile_credential', 'cloud_key'] },
    });
    assert.equal(policy.scope.nested, true);
    assert.deepEqual(policy.newUsers.credentials, ['mobile_credential', 'cloud_key']);
  });

  test('names an unknown setting', () =>
    rejects({ scope: { user: 'all' } }, 'scope.user', /is not a policy setting/));

  test('names a bad enum value and lists the accepted ones', () =>
    rejects({ scope: { users: 'some' } }, 'scope.users', /"all" \| "groups" \| "mappedGroups"/));

  test('follows a filter down to the member that is wrong', () =>
    rejects(
      { scope: { filter: { and: [{ attribute: 'department', equals: 5 }] } } },
      'scope.filter.and[0].equals',
      /expected string/,
    ));

  test('lists the forms of a filter that matches none', () =>
    rejects(
      { scope: { filter: { attribute: 'x', equal: 'y' } } },
      'scope.filter',
      /\{ attribute, equals \}/,
    ));

  test('names a mapping expression of an unknown form', () =>
    rejects(
      { attributeMapping: { email: { firstOf: ['mail', { lowr: 'x' }] } } },
      'attributeMapping.email.firstOf[1]',
      /\{ lower \}/,
    ));

  test('refuses a mapping to a field the organization did not declare', () =>
    rejects(
      { attributeMapping: { costCenter: 'x' } },
      'attributeMapping.costCenter',
      /declare it in customFields/,
    ));

  test('refuses a custom field that shadows a standard one', () =>
    rejects({ customFields: ['email'] }, 'customFields[0]', /standard platform field/));

  test('group scope needs groups, mapped-group scope needs mappings', () => {
    rejects({ scope: { users: 'groups' } }, 'scope.groups', /at least one directory group/);
    rejects({ scope: { users: 'mappedGroups' } }, 'groups.mappings', /at least one group mapping/);
  });

  test('refuses a negative grace period and a credential type with spaces', () => {
    rejects({ lifecycle: { deleteAfterDays: -1 } }, 'lifecycle.deleteAfterDays', /greater or equal to 0/);
    rejects(
      { newUsers: { credentials: ['cloud key'] } },
      'newUsers.credentials[0]',
      /expected string to match/,
    );
  });

  test('a policy must be an object', () => rejects([], '(root)', /JSON object/));

  test('the published JSON Schema is the one validation uses, and is plain JSON', () => {
    const schema = policyJsonSchema();
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(schema.additionalProperties, false);
    assert.ok(Value.Check(PolicySchema, { scope: { users: 'all' } }));
    assert.deepEqual(Object.keys(schema.properties as object).sort(), [
      'attributeMapping',
      'customFields',
      'groups',
      'lifecycle',
      'newUsers',
      'roles',
      'scope',
    ]);
  });
});
