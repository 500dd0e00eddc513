import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  evaluateFilter,
  evaluateScope,
  policyReadsGroups,
} from '../../../src/domain/policy/evaluate-scope.js';
import { validatePolicy } from '../../../src/domain/policy/validate-policy.js';

const sales = { id: 'g-sales', externalId: 'oid-sales', displayName: 'Sales' };
const vip = { id: 'g-vip', externalId: null, displayName: 'VIP Customers' };

describe('evaluateScope', () => {
  test('all users are in scope by default', () => {
    assert.deepEqual(evaluateScope(validatePolicy({}), { attributes: {}, groups: [] }), { inScope: true });
  });

  test('selected groups match by id, by Entra object id (SCIM externalId) or by name in any case', () => {
    for (const ref of [{ id: 'g-sales' }, { id: 'oid-sales' }, { name: 'sAlEs' }]) {
      const policy = validatePolicy({ scope: { users: 'groups', groups: [ref] } });
      assert.equal(evaluateScope(policy, { attributes: {}, groups: [sales] }).inScope, true);
      assert.deepEqual(evaluateScope(policy, { attributes: {}, groups: [vip] }), {
        inScope: false,
        reason: 'not a member of a group in scope',
      });
    }
  });

  test('mapped-group scope admits members of a mapped group only', () => {
    const policy = validatePolicy({
      scope: { users: 'mappedGroups' },
      groups: { mappings: [{ directoryGroup: { name: 'VIP Customers' }, platformGroup: { create: 'VIP' } }] },
    });
    assert.equal(evaluateScope(policy, { attributes: {}, groups: [vip] }).inScope, true);
    assert.equal(evaluateScope(policy, { attributes: {}, groups: [sales] }).inScope, false);
  });

  test('the filter is ANDed with the group scope', () => {
    const policy = validatePolicy({
      scope: {
        users: 'groups',
        groups: [{ name: 'Sales' }],
        filter: { attribute: 'userType', equals: 'Member' },
      },
    });
    assert.equal(
      evaluateScope(policy, { attributes: { userType: 'Member' }, groups: [sales] }).inScope,
      true,
    );
    assert.deepEqual(evaluateScope(policy, { attributes: { userType: 'Guest' }, groups: [sales] }), {
      inScope: false,
      reason: 'excluded by the scope filter',
    });
  });
});

describe('evaluateFilter', () => {
  const facts = { attributes: { department: ' Sales ', mail: 'Ada@Acme.test', empty: '' }, groups: [sales] };
  const holds = (filter: object) => evaluateFilter(filter as never, facts);

  test('compares case-insensitively and ignores surrounding spaces', () => {
    assert.equal(holds({ attribute: 'department', equals: 'sales' }), true);
    assert.equal(holds({ attribute: 'department', in: ['Support', 'SALES'] }), true);
    assert.equal(holds({ attribute: 'mail', startsWith: 'ada@' }), true);
    assert.equal(holds({ attribute: 'mail', contains: '@ACME' }), true);
    // On both sides: the policy's own values too.
    assert.equal(holds({ attribute: 'department', equals: ' sales ' }), true);
    assert.equal(holds({ attribute: 'department', in: ['sales '] }), true);
    assert.equal(holds({ attribute: 'department', notEquals: 'Sales ' }), false);
    assert.equal(holds({ not: { attribute: 'department', in: [' SALES'] } }), false);
  });

  test('a missing or empty attribute equals nothing, so notEquals holds for it', () => {
    assert.equal(holds({ attribute: 'missing', equals: '' }), false);
    assert.equal(holds({ attribute: 'empty', contains: 'x' }), false);
    assert.equal(holds({ attribute: 'missing', notEquals: 'Sales' }), true);
    assert.equal(holds({ attribute: 'department', notEquals: 'SALES' }), false);
  });

  test('memberOf is ARRAYCONTAINS over the user groups, by id or name', () => {
    assert.equal(holds({ memberOf: { id: 'g-sales' } }), true);
    assert.equal(holds({ memberOf: { name: 'VIP Customers' } }), false);
  });

  test('and, or and not combine', () => {
    assert.equal(
      holds({ and: [{ memberOf: { name: 'Sales' } }, { not: { attribute: 'department', equals: 'HR' } }] }),
      true,
    );
    assert.equal(
      holds({ or: [{ memberOf: { name: 'VIP Customers' } }, { attribute: 'department', equals: 'HR' }] }),
      false,
    );
  });
});

describe('policyReadsGroups', () => {
  test('is false for the plain all-users policy, so the engine loads no groups', () => {
    assert.equal(policyReadsGroups(validatePolicy({})), false);
    assert.equal(
      policyReadsGroups(validatePolicy({ scope: { filter: { attribute: 'a', equals: 'b' } } })),
      false,
    );
  });

  test('is true for group scope, memberOf filters and role rules', () => {
    assert.equal(
      policyReadsGroups(validatePolicy({ scope: { filter: { not: { memberOf: { name: 'x' } } } } })),
      true,
    );
    assert.equal(
      policyReadsGroups(validatePolicy({ roles: { rules: [{ group: { name: 'A' }, role: 'Admin' }] } })),
      true,
    );
  });
});
