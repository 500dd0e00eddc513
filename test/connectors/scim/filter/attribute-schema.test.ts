// Tests for src/connectors/scim/schema/attribute-schema.ts, kept beside the filter tests that
// depend on it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ENTERPRISE_USER_SCHEMA_URN,
  isExtensionSchemaUrn,
  locateAttribute,
  resolveAttribute,
  schemasFor,
} from '../../../../src/connectors/scim/schema/attribute-schema.js';

describe('RFC 7643 §4.1 User attributes', () => {
  test('describes userName as a unique, case-insensitive, required string', () => {
    const userName = resolveAttribute('User', { attribute: 'USERNAME' });
    assert.equal(userName?.name, 'userName');
    assert.equal(userName?.type, 'string');
    assert.equal(userName?.caseExact, false);
    assert.equal(userName?.uniqueness, 'server');
    assert.equal(userName?.required, true);
  });

  test('describes id as readOnly and case-exact, externalId as case-exact', () => {
    assert.equal(resolveAttribute('User', { attribute: 'id' })?.mutability, 'readOnly');
    assert.equal(resolveAttribute('User', { attribute: 'id' })?.caseExact, true);
    assert.equal(resolveAttribute('Group', { attribute: 'externalId' })?.caseExact, true);
  });

  test('describes meta sub-attributes as readOnly, with created and lastModified as dateTime', () => {
    assert.equal(resolveAttribute('User', { attribute: 'meta', subAttribute: 'created' })?.type, 'dateTime');
    assert.equal(
      resolveAttribute('User', { attribute: 'meta', subAttribute: 'lastModified' })?.mutability,
      'readOnly',
    );
  });

  test('describes emails as multi-valued complex with a boolean primary', () => {
    const emails = resolveAttribute('User', { attribute: 'emails' });
    assert.equal(emails?.multiValued, true);
    assert.equal(emails?.type, 'complex');
    assert.equal(resolveAttribute('User', { attribute: 'emails', subAttribute: 'Primary' })?.type, 'boolean');
  });

  test('describes addresses with their postal sub-attributes', () => {
    const names = resolveAttribute('User', { attribute: 'addresses' })?.subAttributes?.map((sub) => sub.name);
    for (const name of [
      'formatted',
      'streetAddress',
      'locality',
      'region',
      'postalCode',
      'country',
      'type',
    ]) {
      assert.ok(names?.includes(name), name);
    }
  });

  test('describes password as writeOnly and never returned', () => {
    const password = resolveAttribute('User', { attribute: 'password' });
    assert.equal(password?.mutability, 'writeOnly');
    assert.equal(password?.returned, 'never');
  });

  test('keeps a description on every attribute and sub-attribute, for /Schemas', () => {
    for (const resourceType of ['User', 'Group'] as const) {
      for (const schema of schemasFor(resourceType)) {
        for (const attribute of schema.attributes) {
          assert.ok(attribute.description.length > 0, attribute.name);
          for (const sub of attribute.subAttributes ?? []) assert.ok(sub.description.length > 0, sub.name);
        }
      }
    }
  });
});

describe('RFC 7643 §4.3 Enterprise User extension', () => {
  test('locates enterprise attributes under their URN, with or without the prefix', () => {
    assert.deepEqual(
      locateAttribute('User', { uri: ENTERPRISE_USER_SCHEMA_URN, attribute: 'EMPLOYEENUMBER' }),
      {
        extensionUrn: ENTERPRISE_USER_SCHEMA_URN,
        name: 'employeeNumber',
        definition: resolveAttribute('User', { attribute: 'employeeNumber' }),
      },
    );
    assert.equal(
      locateAttribute('User', { attribute: 'costCenter' })?.extensionUrn,
      ENTERPRISE_USER_SCHEMA_URN,
    );
  });

  test('describes manager as complex with a value and a readOnly displayName', () => {
    const path = { uri: ENTERPRISE_USER_SCHEMA_URN, attribute: 'manager' };
    assert.equal(resolveAttribute('User', path)?.type, 'complex');
    assert.equal(resolveAttribute('User', { ...path, subAttribute: 'displayName' })?.mutability, 'readOnly');
  });
});

describe('attributes outside the schema', () => {
  test('returns undefined for an unknown attribute or sub-attribute', () => {
    assert.equal(resolveAttribute('User', { attribute: 'favouriteColour' }), undefined);
    assert.equal(resolveAttribute('User', { attribute: 'name', subAttribute: 'nickname' }), undefined);
  });

  test('locates a custom extension attribute under its own URN', () => {
    const uri = 'urn:ietf:params:scim:schemas:extension:Acme:2.0:User';
    assert.deepEqual(locateAttribute('User', { uri, attribute: 'badge' }), {
      extensionUrn: uri,
      name: 'badge',
      definition: undefined,
    });
  });

  test('recognises extension schema URNs of the resource type only', () => {
    assert.equal(isExtensionSchemaUrn(ENTERPRISE_USER_SCHEMA_URN.toUpperCase(), 'User'), true);
    assert.equal(isExtensionSchemaUrn('urn:ietf:params:scim:schemas:extension:Acme:2.0:User', 'User'), true);
    assert.equal(isExtensionSchemaUrn('urn:ietf:params:scim:schemas:core:2.0:User', 'User'), false);
    assert.equal(isExtensionSchemaUrn(ENTERPRISE_USER_SCHEMA_URN, 'Group'), false);
  });
});

describe('RFC 7643 §4.2 Group attributes', () => {
  test('describes displayName as unique and members as multi-valued references', () => {
    assert.equal(resolveAttribute('Group', { attribute: 'displayName' })?.uniqueness, 'server');
    const members = resolveAttribute('Group', { attribute: 'members' });
    assert.equal(members?.multiValued, true);
    // RFC 7643 §8.7.1: value, $ref and type; no display (it would be discarded) and no primary.
    assert.deepEqual(members?.subAttributes?.map((sub) => sub.name).sort(), ['$ref', 'type', 'value']);
  });
});
