import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideUser } from '../../../src/domain/policy/decide-user.js';
import { validatePolicy } from '../../../src/domain/policy/validate-policy.js';
import type { SourceUser } from '../../../src/domain/source-user.js';

const graphUser = (attributes: Record<string, string>): SourceUser => ({
  connectorKind: 'graph',
  objectId: 'oid-1',
  userName: 'ada@acme.test',
  active: true,
  attributes: { givenName: 'Ada', surname: 'Lovelace', mail: 'Ada@Acme.test', ...attributes },
  roles: [],
});

describe('decideUser', () => {
  test('maps Graph attributes with the default mapping, custom fields into attributes', () => {
    const policy = validatePolicy(
      {
        attributeMapping: { email: { lower: 'mail' }, costCenter: { constant: 'CC-7' } },
        customFields: ['costCenter'],
      },
      'graph',
    );
    const decision = decideUser(policy, graphUser({ department: 'Sales', jobTitle: 'Analyst' }));
    assert.equal(decision.action, 'upsert');
    if (decision.action !== 'upsert') return;
    assert.equal(decision.fields.email, 'ada@acme.test');
    assert.deepEqual(decision.fields.attributes, {
      department: 'Sales',
      jobTitle: 'Analyst',
      costCenter: 'CC-7',
    });
  });

  test('a missing required field names the source attribute, or the mapping when the admin mapped it', () => {
    assert.deepEqual(decideUser(validatePolicy({}, 'graph'), graphUser({ surname: '' })), {
      action: 'reject',
      field: 'surname',
      message: 'surname is required: a user needs a given name, a family name and an email',
    });
    const mapped = validatePolicy({ attributeMapping: { email: 'otherMails' } }, 'graph');
    assert.equal((decideUser(mapped, graphUser({})) as { field?: string }).field, 'attributeMapping.email');
  });

  test('an email longer than an address can be is refused, whatever attribute the policy maps', () => {
    const mapped = validatePolicy({ attributeMapping: { email: 'employeeId' } }, 'graph');
    const long = `${'a'.repeat(9000)}@acme.test`;
    assert.deepEqual(decideUser(mapped, graphUser({ employeeId: long })), {
      action: 'reject',
      field: 'attributeMapping.email',
      message: 'The email must be at most 320 characters; this one has 9010',
    });
    const longest = `${'a'.repeat(64)}@${'b'.repeat(245)}.test`;
    assert.equal(decideUser(mapped, graphUser({ employeeId: longest })).action, 'upsert');
  });

  test('out of scope comes before validation: an excluded user is never an error', () => {
    const policy = validatePolicy(
      { scope: { filter: { attribute: 'department', equals: 'Sales' } } },
      'graph',
    );
    assert.deepEqual(decideUser(policy, graphUser({ surname: '' })), {
      action: 'exclude',
      reason: 'excluded by the scope filter',
    });
  });

  test('accountEnabled false makes the user inactive', () => {
    const decision = decideUser(validatePolicy({}, 'graph'), { ...graphUser({}), active: false });
    assert.equal(decision.action === 'upsert' && decision.status, 'inactive');
  });
});

describe('decideUser scope over SCIM attributes', () => {
  test('a filter on a platform field name reads the mapped value when the source names it otherwise', () => {
    const policy = validatePolicy(
      { scope: { filter: { attribute: 'department', equals: 'Sales' } } },
      'scim',
    );
    const source: SourceUser = {
      connectorKind: 'scim',
      objectId: 'oid-1',
      userName: 'ada@acme.test',
      active: true,
      attributes: {
        'name.givenName': 'Ada',
        'name.familyName': 'Lovelace',
        'emails.work': 'ada@acme.test',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department': 'Sales',
      },
      roles: [],
    };
    assert.equal(decideUser(policy, source).action, 'upsert');
    assert.equal(
      decideUser(policy, {
        ...source,
        attributes: {
          ...source.attributes,
          'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department': 'HR',
        },
      }).action,
      'exclude',
    );
  });
});
