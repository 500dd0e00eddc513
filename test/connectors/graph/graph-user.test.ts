import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { graphUserChange, userSelect } from '../../../src/connectors/graph/graph-user.js';

const change = (user: Record<string, unknown>, previous?: Record<string, unknown>) => {
  const result = graphUserChange({ id: 'u1', ...user }, previous);
  assert.equal(result.kind, 'user.upsert');
  return result.kind === 'user.upsert' ? result.user : assert.fail();
};

describe('Graph users as directory users', () => {
  test('flattens Graph names for the mapping, arrays as .first', () => {
    const user = change({
      userPrincipalName: 'ada@contoso.test',
      givenName: 'Ada',
      surname: 'Lovelace',
      businessPhones: ['+1 1', '+1 2'],
    });
    assert.equal(user.source.attributes['businessPhones.first'], '+1 1');
    assert.equal(user.source.attributes.userType, 'Member');
    assert.equal(user.source.objectId, 'u1');
    assert.equal(user.emailKey, 'ada@contoso.test');
  });

  test('sign-in blocked reads as inactive; an absent flag does not', () => {
    assert.equal(change({ accountEnabled: false }).active, false);
    assert.equal(change({}).active, true);
  });

  test('recognises guests by userType or by #EXT# in the userPrincipalName', () => {
    assert.equal(change({ userType: 'Guest' }).source.attributes.userType, 'Guest');
    assert.equal(
      change({ userPrincipalName: 'bob_fabrikam.com#EXT#@contoso.onmicrosoft.com' }).source.attributes
        .userType,
      'Guest',
    );
  });

  test('lays a partial delta answer over the stored object; null clears', () => {
    const user = change(
      { jobTitle: null, department: 'Finance' },
      { userPrincipalName: 'ada@contoso.test', jobTitle: 'CFO', mail: 'ada@contoso.test' },
    );
    assert.equal(user.userName, 'ada@contoso.test');
    assert.equal(user.source.attributes.jobTitle, undefined);
    assert.equal(user.source.attributes.department, 'Finance');
  });

  test('keeps the manager as its object id, and clears it when removed', () => {
    assert.equal(change({ 'manager@delta': [{ id: 'm1' }] }).source.attributes.manager, 'm1');
    assert.equal(change({ 'manager@delta': [] }, { manager: 'm1' }).source.attributes.manager, undefined);
  });

  test('selects what the mapping reads, and manager only when mapped', () => {
    assert.ok(!userSelect({}).includes('manager'));
    assert.ok(userSelect({ manager: 'manager' }).includes('manager'));
    assert.ok(userSelect({}).includes('businessPhones'));
  });
});
