import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type Filter,
  MAX_FILTER_DEPTH,
  MAX_FILTER_LENGTH,
  ScimFilterError,
  parseFilter,
} from '../../../../src/connectors/scim/filter/index.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const eq = (attribute: string, value: string | number | boolean | null, subAttribute?: string): Filter => ({
  kind: 'comparison',
  path: subAttribute === undefined ? { attribute } : { attribute, subAttribute },
  operator: 'eq',
  value,
});

function assertInvalidFilter(input: string, position: number | undefined, message: RegExp): void {
  assert.throws(
    () => parseFilter(input),
    (error: unknown) => {
      assert.ok(error instanceof ScimFilterError, `expected ScimFilterError, got ${String(error)}`);
      assert.equal(error.status, 400);
      assert.equal(error.scimType, 'invalidFilter');
      if (position !== undefined) assert.equal(error.position, position);
      assert.match(error.detail, message);
      return true;
    },
  );
}

describe('RFC 7644 §3.4.2.2 attribute operators', () => {
  for (const operator of ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const) {
    test(`parses the "${operator}" operator`, () => {
      assert.deepEqual(parseFilter(`title ${operator} "x"`), {
        kind: 'comparison',
        path: { attribute: 'title' },
        operator,
        value: 'x',
      });
    });
  }

  test('parses "pr" as a presence test', () => {
    assert.deepEqual(parseFilter('title pr'), { kind: 'present', path: { attribute: 'title' } });
  });

  test('matches operator keywords case-insensitively', () => {
    assert.deepEqual(parseFilter('userName EQ "bjensen"'), eq('userName', 'bjensen'));
    assert.deepEqual(parseFilter('title Pr'), { kind: 'present', path: { attribute: 'title' } });
    assert.deepEqual(parseFilter('a eq "1" AND b eq "2"'), {
      kind: 'and',
      filters: [eq('a', '1'), eq('b', '2')],
    });
  });

  test('keeps attribute names as written, for the schema to resolve case-insensitively', () => {
    assert.deepEqual(parseFilter('UserName eq "x"'), eq('UserName', 'x'));
  });
});

describe('RFC 7644 §3.4.2.2 comparison values', () => {
  test('decodes every JSON string escape', () => {
    const filter = parseFilter(String.raw`displayName eq "a\"b\\c\/d\n\t\u00e9"`);
    assert.deepEqual(filter, eq('displayName', 'a"b\\c/d\n\té'));
  });

  test('reads true, false and null literals', () => {
    assert.deepEqual(parseFilter('active eq true'), eq('active', true));
    assert.deepEqual(parseFilter('active eq false'), eq('active', false));
    assert.deepEqual(parseFilter('title eq null'), eq('title', null));
  });

  test('reads JSON numbers, including negative, fractional and exponent forms', () => {
    assert.deepEqual(parseFilter('n eq 42'), eq('n', 42));
    assert.deepEqual(parseFilter('n gt -1.5e3'), {
      kind: 'comparison',
      path: { attribute: 'n' },
      operator: 'gt',
      value: -1500,
    });
  });

  test('rejects JSON literals in another case, since RFC 8259 spells them in lowercase', () => {
    assertInvalidFilter('active eq True', 10, /expected a value/);
  });

  test('rejects an unterminated string and names where it starts', () => {
    assertInvalidFilter('userName eq "bjensen', 12, /not terminated/);
  });

  test('rejects a raw control character inside a string', () => {
    assertInvalidFilter('userName eq "a\u0001b"', 12, /control character/);
  });

  test('rejects a number glued to letters', () => {
    assertInvalidFilter('n eq 12abc', 5, /not a valid number/);
  });

  test('rejects a missing value', () => {
    assertInvalidFilter('userName eq', 11, /expected a value.*found the end of the input/);
  });
});

describe('RFC 7644 §3.4.2.2 attribute paths', () => {
  test('reads a sub-attribute path', () => {
    assert.deepEqual(parseFilter('name.familyName co "O\'Malley"'), {
      kind: 'comparison',
      path: { attribute: 'name', subAttribute: 'familyName' },
      operator: 'co',
      value: "O'Malley",
    });
  });

  test('reads a core schema URN prefix', () => {
    const filter = parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"');
    assert.deepEqual(filter, {
      kind: 'comparison',
      path: { uri: 'urn:ietf:params:scim:schemas:core:2.0:User', attribute: 'userName' },
      operator: 'sw',
      value: 'J',
    });
  });

  test('reads an extension URN with a sub-attribute, despite the dot inside "2.0"', () => {
    const filter = parseFilter(`${ENTERPRISE}:manager.value eq "26118915"`);
    assert.deepEqual(filter, {
      kind: 'comparison',
      path: { uri: ENTERPRISE, attribute: 'manager', subAttribute: 'value' },
      operator: 'eq',
      value: '26118915',
    });
  });

  test('rewrites a known schema URN to its canonical spelling', () => {
    const filter = parseFilter(
      'URN:IETF:params:scim:schemas:extension:ENTERPRISE:2.0:user:department eq "x"',
    );
    assert.equal(filter.kind === 'comparison' ? filter.path.uri : undefined, ENTERPRISE);
  });

  test('accepts "$ref" as a sub-attribute name (RFC 7643 §2.1)', () => {
    assert.deepEqual(parseFilter('members.$ref pr'), {
      kind: 'present',
      path: { attribute: 'members', subAttribute: '$ref' },
    });
  });

  test('rejects a path with two dots', () => {
    assertInvalidFilter('name.given.name eq "x"', 0, /expected an attribute path/);
  });
});

describe('RFC 7644 §3.4.2.2 logical operators and grouping', () => {
  test('binds "and" tighter than "or"', () => {
    assert.deepEqual(parseFilter('a eq "1" or b eq "2" and c eq "3"'), {
      kind: 'or',
      filters: [eq('a', '1'), { kind: 'and', filters: [eq('b', '2'), eq('c', '3')] }],
    });
  });

  test('lets parentheses override precedence', () => {
    assert.deepEqual(parseFilter('(a eq "1" or b eq "2") and c eq "3"'), {
      kind: 'and',
      filters: [{ kind: 'or', filters: [eq('a', '1'), eq('b', '2')] }, eq('c', '3')],
    });
  });

  test('binds "not" tightest, to its parenthesised filter', () => {
    assert.deepEqual(parseFilter('not (a eq "1") and b eq "2"'), {
      kind: 'and',
      filters: [{ kind: 'not', filter: eq('a', '1') }, eq('b', '2')],
    });
  });

  test('accepts "not(" without a space (RFC 7644 errata 7319)', () => {
    assert.deepEqual(parseFilter('not(a pr)'), {
      kind: 'not',
      filter: { kind: 'present', path: { attribute: 'a' } },
    });
  });

  test('flattens a chain of "and" into one node', () => {
    const filter = parseFilter('a eq "1" and b eq "2" and c eq "3"');
    assert.equal(filter.kind, 'and');
    assert.equal(filter.kind === 'and' ? filter.filters.length : 0, 3);
  });

  test('parses the RFC example with "not" and nested "or"', () => {
    const filter = parseFilter(
      'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
    );
    assert.equal(filter.kind, 'and');
  });

  test('requires parentheses after "not"', () => {
    assertInvalidFilter('not a eq "1"', 4, /expected "\(" after "not"/);
  });

  test('rejects an unclosed parenthesis', () => {
    assertInvalidFilter('(a eq "1"', 9, /expected "\)"/);
  });

  test('rejects trailing tokens and names them', () => {
    assertInvalidFilter('userName eq "x" extra', 16, /found "extra"/);
  });

  test('rejects an unknown operator and lists the valid ones', () => {
    assertInvalidFilter(
      'userName like "x"',
      9,
      /expected an operator \(eq, ne, co, sw, ew, gt, ge, lt, le or pr\)/,
    );
  });

  test('rejects an empty filter', () => {
    assertInvalidFilter('   ', 3, /expected a filter/);
  });
});

describe('RFC 7644 §3.4.2.2 value paths', () => {
  test('parses a value path with a compound filter', () => {
    assert.deepEqual(parseFilter('emails[type eq "work" and value co "@example.com"]'), {
      kind: 'valuePath',
      path: { attribute: 'emails' },
      filter: {
        kind: 'and',
        filters: [
          eq('type', 'work'),
          { kind: 'comparison', path: { attribute: 'value' }, operator: 'co', value: '@example.com' },
        ],
      },
    });
  });

  test('accepts parentheses inside a value filter (RFC 7644 errata 7322)', () => {
    const filter = parseFilter('emails[type eq "work" or (type eq "home" and value ew "@example.com")]');
    assert.equal(filter.kind, 'valuePath');
  });

  test('combines a value path with other terms', () => {
    const filter = parseFilter('userType eq "Employee" and emails[type eq "work" and primary eq true]');
    assert.equal(filter.kind, 'and');
  });

  test('reads Entra\'s emails[type eq "work"].value eq "x" as one value path', () => {
    assert.deepEqual(parseFilter('emails[type eq "work"].value eq "ann@contoso.com"'), {
      kind: 'valuePath',
      path: { attribute: 'emails' },
      filter: { kind: 'and', filters: [eq('type', 'work'), eq('value', 'ann@contoso.com')] },
    });
  });

  test('rejects a value path followed by a sub-attribute but no operator', () => {
    assertInvalidFilter('members[value eq "1"].display', 29, /expected an operator/);
  });

  test('rejects nested value paths (RFC 7644 errata 4690)', () => {
    assertInvalidFilter('emails[type[a eq "b"] eq "x"]', 11, /cannot be nested/);
  });

  test('rejects URN-qualified or dotted names inside brackets', () => {
    assertInvalidFilter('emails[emails.type eq "work"]', 7, /plain sub-attribute name/);
  });

  test('rejects brackets after a sub-attribute', () => {
    assertInvalidFilter('name.givenName[value eq "x"]', 14, /"\[" only after an attribute name/);
  });

  test('rejects an unclosed bracket', () => {
    assertInvalidFilter('emails[type eq "work"', 21, /expected "\]"/);
  });
});

describe('limits that keep hostile filters cheap', () => {
  test(`refuses filters longer than ${MAX_FILTER_LENGTH} characters`, () => {
    assertInvalidFilter(`userName eq "${'x'.repeat(MAX_FILTER_LENGTH)}"`, 0, /longer than/);
  });

  test(`refuses nesting deeper than ${MAX_FILTER_DEPTH} levels without exhausting the stack`, () => {
    const deep = `${'('.repeat(MAX_FILTER_DEPTH + 1)}a pr${')'.repeat(MAX_FILTER_DEPTH + 1)}`;
    assertInvalidFilter(deep, MAX_FILTER_DEPTH, /nested more than/);
    const deepNot = `${'not ('.repeat(1000)}a pr${')'.repeat(1000)}`;
    assertInvalidFilter(deepNot, undefined, /nested more than/);
  });

  test(`accepts nesting of exactly ${MAX_FILTER_DEPTH} levels`, () => {
    const filter = parseFilter(`${'('.repeat(MAX_FILTER_DEPTH)}a pr${')'.repeat(MAX_FILTER_DEPTH)}`);
    assert.deepEqual(filter, { kind: 'present', path: { attribute: 'a' } });
  });

  test('parses a long flat chain of "or" without recursion', () => {
    const terms = Array.from({ length: 400 }, (_, index) => `id eq "${index}"`);
    const filter = parseFilter(terms.join(' or '));
    assert.equal(filter.kind === 'or' ? filter.filters.length : 0, 400);
  });

  test('rejects characters outside the grammar and names them', () => {
    assertInvalidFilter('userName eq "x" & b pr', 16, /unexpected character "&"/);
  });
});
