import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ScimFilterError,
  compileFilter,
  matchesFilter,
  parseFilter,
} from '../../../../src/connectors/scim/filter/index.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const bjensen: Record<string, unknown> = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'BJensen-Ext',
  userName: 'BJensen@Example.com',
  name: { familyName: 'Jensen', givenName: 'Barbara' },
  displayName: 'Babs Jensen',
  userType: 'Employee',
  title: 'Tour Guide',
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  phoneNumbers: [{ value: '555-555-8377', type: 'work' }],
  roles: [{ value: 'Admin', primary: false }],
  meta: {
    resourceType: 'User',
    created: '2010-01-23T04:56:22Z',
    lastModified: '2011-05-13T04:42:34Z',
    version: 'W/"a330bc54f0671c9"',
  },
  [ENTERPRISE]: {
    employeeNumber: '701984',
    department: 'Tour Operations',
    manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d', displayName: 'John Smith' },
  },
  'urn:ietf:params:scim:schemas:extension:Acme:2.0:User': { badge: 'B-12', level: 3, remote: true },
  password: 'secret',
};

const matches = (filter: string, resource = bjensen) => matchesFilter(parseFilter(filter), resource, 'User');

function assertInvalid(filter: string, message: RegExp, resourceType: 'User' | 'Group' = 'User'): void {
  assert.throws(
    () => compileFilter(parseFilter(filter), resourceType),
    (error: unknown) => {
      assert.ok(error instanceof ScimFilterError);
      assert.equal(error.status, 400);
      assert.equal(error.scimType, 'invalidFilter');
      assert.match(error.detail, message);
      return true;
    },
  );
}

describe('RFC 7643 §2.1 and §7: attribute names and case rules', () => {
  test('matches userName case-insensitively per RFC 7643 §4.1.1', () => {
    assert.equal(matches('userName eq "bjensen@example.com"'), true);
    assert.equal(matches('USERNAME eq "BJENSEN@EXAMPLE.COM"'), true);
  });

  test('matches externalId and id case-exactly per RFC 7643 §3.1', () => {
    assert.equal(matches('externalId eq "BJensen-Ext"'), true);
    assert.equal(matches('externalId eq "bjensen-ext"'), false);
    assert.equal(matches('id eq "2819C223-7F76-453A-919D-413861904646"'), false);
  });

  test('resolves a core URN prefix and an extension URN prefix', () => {
    assert.equal(matches('urn:ietf:params:scim:schemas:core:2.0:User:userName sw "bjensen"'), true);
    assert.equal(matches(`${ENTERPRISE}:employeeNumber eq "701984"`), true);
    assert.equal(matches(`${ENTERPRISE}:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"`), true);
  });

  test('finds an unqualified enterprise attribute, since RFC 7644 §3.10 only says SHOULD qualify', () => {
    assert.equal(matches('department eq "tour operations"'), true);
  });

  test('treats an unknown custom extension attribute as a case-insensitive string', () => {
    assert.equal(matches('urn:ietf:params:scim:schemas:extension:Acme:2.0:User:badge eq "b-12"'), true);
    assert.equal(matches('urn:ietf:params:scim:schemas:extension:Acme:2.0:User:level gt 2'), true);
    assert.equal(matches('urn:ietf:params:scim:schemas:extension:Acme:2.0:User:remote eq true'), true);
  });

  test("never matches another resource type's core URN", () => {
    assert.equal(matches('urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "Babs Jensen"'), false);
  });

  test('does not see inherited properties such as "constructor"', () => {
    assert.equal(matches('constructor pr'), false);
    assert.equal(matches('toString eq "x"'), false);
  });
});

describe('RFC 7644 §3.4.2.2 string operators', () => {
  test('eq and ne', () => {
    assert.equal(matches('title eq "tour guide"'), true);
    assert.equal(matches('title ne "tour guide"'), false);
    assert.equal(matches('title ne "Pilot"'), true);
  });

  test('co, sw and ew', () => {
    assert.equal(matches('displayName co "BS JEN"'), true);
    assert.equal(matches('displayName sw "babs"'), true);
    assert.equal(matches('displayName ew "JENSEN"'), true);
    assert.equal(matches('displayName ew "babs"'), false);
  });

  test('gt, ge, lt and le compare strings lexicographically', () => {
    assert.equal(matches('title gt "Tour"'), true);
    assert.equal(matches('title ge "tour guide"'), true);
    assert.equal(matches('title lt "Tour"'), false);
    assert.equal(matches('title le "TOUR GUIDE"'), true);
  });

  test('pr matches a non-empty value only', () => {
    assert.equal(matches('title pr'), true);
    assert.equal(matches('nickName pr'), false);
    assert.equal(matches('nickName pr', { ...bjensen, nickName: '' }), false);
    assert.equal(matches('emails pr'), true);
    assert.equal(matches('ims pr', { ...bjensen, ims: [] }), false);
    assert.equal(matches('name pr', { ...bjensen, name: { givenName: null } }), false);
  });

  test('ne matches an absent attribute, eq does not', () => {
    assert.equal(matches('nickName ne "x"'), true);
    assert.equal(matches('nickName eq "x"'), false);
  });

  test('eq null matches an unassigned attribute and ne null a present one (RFC 7643 §2.5)', () => {
    assert.equal(matches('nickName eq null'), true);
    assert.equal(matches('title eq null'), false);
    assert.equal(matches('title ne null'), true);
  });
});

describe('RFC 7644 §3.4.2.2 multi-valued and complex attributes', () => {
  test('matches a multi-valued attribute when any value matches', () => {
    assert.equal(matches('emails.value ew "@jensen.org"'), true);
    assert.equal(matches('emails.type eq "other"'), false);
  });

  test('compares a complex attribute without a sub-attribute by its value', () => {
    assert.equal(matches('emails co "example.com"'), true);
    assert.equal(matches('emails eq "babs@jensen.org"'), true);
    assert.equal(matches(`${ENTERPRISE}:manager eq "26118915-6090-4610-87e4-49d8ca9f808d"`), true);
  });

  test('requires the whole value filter to hold for a single value', () => {
    assert.equal(matches('emails[type eq "work" and value co "example.com"]'), true);
    assert.equal(matches('emails[type eq "home" and value co "example.com"]'), false);
    assert.equal(matches('emails[type eq "work" and primary eq true]'), true);
  });

  test('evaluates Entra\'s emails[type eq "work"].value eq form', () => {
    assert.equal(matches('emails[type eq "work"].value eq "BJENSEN@example.com"'), true);
    assert.equal(matches('emails[type eq "home"].value eq "bjensen@example.com"'), false);
  });

  test('supports not, or and parentheses inside value filters', () => {
    assert.equal(matches('emails[not (type eq "work")]'), true);
    assert.equal(matches('emails[type eq "other" or (type eq "home" and value ew "jensen.org")]'), true);
  });

  test('lets "value" address items of a simple multi-valued attribute', () => {
    assert.equal(matches('schemas[value eq "urn:ietf:params:scim:schemas:core:2.0:user"]'), true);
  });

  test('rejects a comparison on a complex attribute that has no value', () => {
    assertInvalid('name eq "Barbara"', /complex attribute; name one of its sub-attributes/);
    assertInvalid('addresses co "Main"', /complex attribute/);
  });

  test('rejects a value filter on a simple attribute', () => {
    assertInvalid('userName[value eq "x"]', /needs a complex attribute/);
  });
});

describe('RFC 7644 §3.4.2.2 typed comparisons', () => {
  test('compares dateTime values chronologically, not as text', () => {
    assert.equal(matches('meta.lastModified gt "2011-05-13T04:42:33Z"'), true);
    assert.equal(matches('meta.lastModified gt "2011-05-13T06:00:00+02:00"'), true);
    assert.equal(matches('meta.lastModified eq "2011-05-13T05:42:34+01:00"'), true);
    assert.equal(matches('meta.created lt "2010-01-23T04:56:22.001Z"'), true);
    assert.equal(matches('meta.created ge "2011-01-01T00:00:00Z"'), false);
  });

  test('reads a dateTime without an offset as UTC', () => {
    assert.equal(matches('meta.created eq "2010-01-23T04:56:22"'), true);
  });

  test('rejects a comparison value that is not a dateTime', () => {
    assertInvalid('meta.created gt "yesterday"', /is not a dateTime/);
    assertInvalid('meta.created gt 5', /compare it with a quoted dateTime/);
  });

  test('compares booleans with eq and ne', () => {
    assert.equal(matches('active eq true'), true);
    assert.equal(matches('active ne true'), false);
    assert.equal(matches('roles.primary eq false'), true);
  });

  test('rejects gt, ge, lt and le on booleans with invalidFilter', () => {
    for (const operator of ['gt', 'ge', 'lt', 'le'])
      assertInvalid(`active ${operator} true`, /booleans support only/);
  });

  test('rejects substring operators on booleans', () => {
    assertInvalid('active co true', /booleans support only/);
  });

  test('rejects a literal of the wrong type for a known attribute', () => {
    assertInvalid('active eq "true"', /boolean attribute; compare it with true or false/);
    assertInvalid('userName eq 5', /string attribute; compare it with a quoted string/);
  });

  test('rejects ordering operators on binary attributes', () => {
    assertInvalid('x509Certificates.value gt "MIIB"', /binary attributes do not support "gt"/);
  });

  test('refuses to filter on a never-returned attribute such as password', () => {
    assertInvalid('password eq "secret"', /never returned/);
  });

  test('checks the filter once, even when no resource is tested', () => {
    assert.throws(() => compileFilter(parseFilter('active gt false'), 'User'), ScimFilterError);
  });
});

describe('RFC 7644 §3.4.2.2 logical operators', () => {
  test('and, or and not combine as written', () => {
    assert.equal(matches('title pr and userType eq "Employee"'), true);
    assert.equal(matches('title pr and userType eq "Intern"'), false);
    assert.equal(matches('userType eq "Intern" or userType eq "Employee"'), true);
    assert.equal(matches('not (userType eq "Employee")'), false);
    assert.equal(
      matches('userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")'),
      false,
    );
  });
});

describe('RFC 7643 §4.2 Group filters', () => {
  const group = { id: 'g1', displayName: 'Tour Guides', externalId: 'e-1' };

  test('matches displayName case-insensitively', () => {
    assert.equal(matchesFilter(parseFilter('displayName eq "tour guides"'), group, 'Group'), true);
  });

  test('does not resolve User-only attributes on a Group', () => {
    assert.equal(matchesFilter(parseFilter('userName eq "x"'), group, 'Group'), false);
  });
});
