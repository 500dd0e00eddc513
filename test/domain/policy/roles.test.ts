import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalRole, decideRoles, hasPortalAccess, roleAllows } from '../../../src/domain/policy/roles.js';
import { validatePolicy } from '../../../src/domain/policy/validate-policy.js';

describe('roles', () => {
  test('ReadOnly, User, Admin and EnterpriseAdmin grant portal access; other roles and none do not', () => {
    for (const role of ['ReadOnly', 'User', 'Admin', 'EnterpriseAdmin', 'enterprise_admin', 'read-only']) {
      assert.equal(hasPortalAccess([role]), true, role);
    }
    assert.equal(hasPortalAccess([]), false);
    assert.equal(hasPortalAccess(['Scanner']), false);
  });

  test('each role may do what the role before it may, and more', () => {
    assert.equal(roleAllows('ReadOnly', 'portal:read'), true);
    assert.equal(roleAllows('ReadOnly', 'portal:write'), false);
    assert.equal(roleAllows('User', 'portal:write'), true);
    assert.equal(roleAllows('User', 'users:manage'), false);
    assert.equal(roleAllows('Admin', 'users:manage'), true);
    assert.equal(roleAllows('Admin', 'organization:manage'), false);
    assert.equal(roleAllows('EnterpriseAdmin', 'organization:manage'), true);
    assert.equal(roleAllows('Scanner', 'portal:read'), false);
  });

  test('canonical spelling folds case, spaces, dashes and underscores', () => {
    assert.equal(canonicalRole(' enterprise admin '), 'EnterpriseAdmin');
    assert.equal(canonicalRole('Badge Printer'), 'Badge Printer');
  });

  test('source roles and group rules combine, without duplicates', () => {
    const policy = validatePolicy({ roles: { rules: [{ group: { name: 'Admins' }, role: 'admin' }] } });
    const admins = { id: 'g', externalId: null, displayName: 'admins' };
    assert.deepEqual(decideRoles(policy, ['Admin', 'user'], [admins]), ['Admin', 'User']);
  });

  test('source roles are ignored when the policy says fromSource false', () => {
    const policy = validatePolicy({ roles: { fromSource: false } });
    assert.deepEqual(decideRoles(policy, ['Admin'], []), []);
  });
});
