/**
 * fast-check arbitraries for SCIM requests, for scim-fuzz.e2e.test.ts: filters along the RFC 7644
 * §3.4.2.2 grammar and mutated ones, list parameters, PATCH operations as Entra sends them and
 * arbitrary ones, POST/PUT bodies, and bodies that are not JSON.
 */
import fc from 'fast-check';
import { entraUser } from '../../support/scim-client.js';

export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Any case of a word, as clients (and Entra) may send it. */
const anyCase = (word: string) =>
  fc
    .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
    .map((upper) => [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join(''));

const attributePaths = [
  'userName',
  'name.givenName',
  'name.familyName',
  'displayName',
  'title',
  'active',
  'id',
  'externalId',
  'emails',
  'emails.value',
  'emails.type',
  'emails.primary',
  'phoneNumbers.value',
  'addresses.postalCode',
  'roles.value',
  'members',
  'members.value',
  'groups.display',
  'meta.created',
  'meta.lastModified',
  'meta.resourceType',
  'meta.version',
  `${ENTERPRISE}:employeeNumber`,
  `${ENTERPRISE}:manager`,
  `${ENTERPRISE}:manager.value`,
  `${CUSTOM}:attr`,
  'urn:ietf:params:scim:schemas:core:2.0:User:userName',
  'urn:ietf:params:scim:schemas:core:2.0:Group:displayName',
  'urn:x',
  'unknownAttribute',
  'a.b.c',
  '$ref',
];

const attributePath = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...attributePaths) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z$][\w$-]{0,12}(\.[\w$-]{1,8})?$/) },
);

const comparisonValue = fc.oneof(
  fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('true', 'false', 'null', '"2024-05-13T04:42:34Z"', '"2024-13-45"', '"work"', '"W/\\"1\\""'),
  fc.integer().map(String),
  fc.double({ noNaN: true }).map(String),
  fc.constantFrom('1e999', '-0', '01', '"\\u0000"', '"\\ud800"', '"unterminated', 'bare', '[1]', '{}'),
);

const comparisonOperator = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le').chain(anyCase),
  },
  { weight: 1, arbitrary: fc.constantFrom('pr', 'and', 'or', 'not', 'like', '==', '') },
);

/** Filters along the RFC 7644 §3.4.2.2 grammar, with some words from outside it. */
export const { filter: grammarFilter } = fc.letrec<{ filter: string; attrExp: string }>((tie) => ({
  attrExp: fc.oneof(
    fc.tuple(attributePath, anyCase('pr')).map(([path, pr]) => `${path} ${pr}`),
    fc
      .tuple(attributePath, comparisonOperator, comparisonValue)
      .map(([path, op, value]) => `${path} ${op} ${value}`),
  ),
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: tie('attrExp') },
    fc
      .tuple(tie('filter'), fc.constantFrom('and', 'or', 'AND', 'Or'), tie('filter'))
      .map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('filter').map((f) => `not (${f})`),
    tie('filter').map((f) => `(${f})`),
    fc
      .tuple(fc.constantFrom('emails', 'members', 'phoneNumbers', 'roles', 'name', 'userName'), tie('filter'))
      .map(([attr, f]) => `${attr}[${f}]`),
  ),
}));

/** A grammar filter with characters inserted or deleted at random places. */
const mutatedFilter = fc
  .tuple(
    grammarFilter,
    fc.array(fc.tuple(fc.nat(), fc.constantFrom('(', ')', '[', ']', '"', '\\', ' ', '.', ':', 'x', '')), {
      maxLength: 4,
    }),
  )
  .map(([filter, edits]) =>
    edits.reduce((text, [at, char]) => {
      const i = text.length === 0 ? 0 : at % text.length;
      return char === '' ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + char + text.slice(i);
    }, filter),
  );

/** Filters that are well typed, as Entra and most clients send them: they must mostly answer 200. */
export const typedFilter = fc
  .array(
    fc.oneof(
      fc.string({ maxLength: 10 }).map((v) => `userName eq ${JSON.stringify(v)}`),
      fc.uuid().map((v) => `externalId eq "${v}"`),
      fc.string({ maxLength: 10 }).map((v) => `emails[type eq "work"].value eq ${JSON.stringify(v)}`),
      fc.string({ maxLength: 10 }).map((v) => `displayName co ${JSON.stringify(v)}`),
      fc.boolean().map((v) => `active eq ${v}`),
      fc.date({ noInvalidDate: true }).map((d) => `meta.lastModified gt "${d.toISOString()}"`),
      fc.string({ maxLength: 6 }).map((v) => `${CUSTOM}:attr sw ${JSON.stringify(v)}`),
      fc.constantFrom('title pr', 'not (nickName pr)', 'emails[type eq "work" and primary eq true]'),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .chain((terms) => fc.constantFrom(' and ', ' or ').map((joiner) => terms.join(joiner)));

export const anyFilter = fc.oneof(
  { weight: 3, arbitrary: typedFilter },
  { weight: 4, arbitrary: grammarFilter },
  { weight: 3, arbitrary: mutatedFilter },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 800 }).map((n) => `${'('.repeat(n)}userName pr${')'.repeat(n)}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 800 })
      .map((n) => `${'not ('.repeat(n)}active eq true${')'.repeat(n)}`),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 2, max: 120 }).map((n) => Array(n).fill('userName eq "a"').join(' or ')),
  },
);

const integerText = fc.oneof(
  fc.integer().map(String),
  fc.constantFrom(
    '0',
    '-1',
    '99999999999999999999',
    '9007199254740993',
    '1e3',
    '1.5',
    ' 1',
    '0x10',
    '',
    'NaN',
  ),
);

/** RFC 7644 §3.4.2 list parameters, sometimes repeated, sometimes nonsense. */
export const queryParams = fc
  .record(
    {
      filter: anyFilter,
      startIndex: integerText,
      count: integerText,
      sortBy: fc.oneof(attributePath, fc.string({ maxLength: 10 })),
      sortOrder: fc.oneof(
        fc.constantFrom('ascending', 'descending', 'DESCENDING', ''),
        fc.string({ maxLength: 6 }),
      ),
      attributes: fc.oneof(
        fc.array(attributePath, { maxLength: 3 }).map((a) => a.join(',')),
        fc.string({ maxLength: 20 }),
      ),
      excludedAttributes: fc.oneof(
        fc.array(attributePath, { maxLength: 3 }).map((a) => a.join(',')),
        fc.string({ maxLength: 20 }),
      ),
    },
    { requiredKeys: [] },
  )
  .chain((params) =>
    fc.boolean().map((repeat) => {
      const pairs = Object.entries(params).map(
        ([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`,
      );
      // A repeated parameter reaches the handler as an array.
      if (repeat && pairs[0] !== undefined) pairs.push(pairs[0]);
      return pairs.join('&');
    }),
  );

/** Makes generated userNames and displayNames unique, so uniqueness does not refuse them all. */
let serial = 0;

const roleText = fc
  .tuple(fc.uuid(), fc.string({ maxLength: 8 }))
  .map(([id, value]) => JSON.stringify({ id, value, displayName: value }));

/** Values Entra sends, values it does not, and arbitrary JSON. */
const patchValue = (ids: string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    fc.constantFrom('True', 'False', 'true', 'FALSE', 'yes', '', null, true, false, 0, [], {}),
    fc.constantFrom(...ids).map((value) => [{ $ref: null, value }]),
    fc.constantFrom(...ids),
    roleText.map((value) => ({ value })),
    roleText.map((value) => [{ value }]),
    fc.record({
      'name.givenName': fc.string(),
      [`${ENTERPRISE}:employeeNumber`]: fc.jsonValue({ maxDepth: 1 }),
    }),
    fc.dictionary(
      fc.constantFrom(...attributePaths, 'schemas', 'meta', ENTERPRISE, CUSTOM),
      fc.jsonValue({ maxDepth: 2 }),
    ),
  );

const patchPath = (ids: string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: attributePath },
    fc.constantFrom(
      'emails[type eq "work"].value',
      'emails[type eq "work"]',
      'emails[type eq "work" and primary eq true].value',
      'emails[value co "@"].primary',
      'phoneNumbers[type eq "mobile"].value',
      'phoneNumbers[type eq "fax"]',
      'addresses[type eq "work"].postalCode',
      'roles',
      'roles[value eq "Admin"]',
      'members',
      'members[value ne "x"]',
      'members[value eq "x"].display',
      'schemas',
      'meta',
      'groups',
      'id',
      ENTERPRISE,
      CUSTOM,
      'urn:ietf:params:scim:schemas:core:2.0:User',
      '',
      ' ',
      '[',
      'emails[',
      'emails[]',
      'emails[type eq]',
      'urn:',
      '.',
      'a..b',
    ),
    fc.constantFrom(...ids).map((id) => `members[value eq "${id}"]`),
    mutatedFilter,
    fc.string({ maxLength: 20 }),
    fc.jsonValue({ maxDepth: 1 }),
  );

/** Operations Entra really sends, with values of the right type: most of them must succeed. */
export const entraOperation = (ids: string[]) => {
  const set = anyCase('replace');
  const add = anyCase('add');
  const write = fc.oneof(set, add);
  const text = fc.string({ minLength: 1, maxLength: 12 });
  const op = (name: fc.Arbitrary<string>, path: string, value: fc.Arbitrary<unknown>) =>
    fc.record({ op: name, path: fc.constant(path), value });
  return fc.oneof(
    op(write, 'active', fc.constantFrom(true, false, 'True', 'False', 'true', 'false')),
    op(write, 'title', text),
    op(write, 'nickName', text),
    op(write, 'name.givenName', text),
    op(
      set,
      'displayName',
      text.map((t) => `g${(serial += 1)} ${t}`),
    ),
    op(
      write,
      'emails[type eq "work"].value',
      fc.uuid().map((u) => `${u}@contoso.test`),
    ),
    op(write, 'phoneNumbers[type eq "mobile"].value', text),
    op(write, 'phoneNumbers[type eq "fax"].value', text),
    op(write, `${ENTERPRISE}:employeeNumber`, text),
    op(write, `${ENTERPRISE}:manager`, fc.constantFrom(...ids)),
    op(write, `${CUSTOM}:attr`, text),
    op(
      add,
      'roles',
      roleText.map((value) => [{ value }]),
    ),
    op(
      set,
      'roles',
      fc.array(fc.record({ primary: fc.constant(false), value: text, display: text }), { maxLength: 2 }),
    ),
    op(
      add,
      'members',
      fc.subarray(ids).map((some) => some.map((value) => ({ $ref: null, value }))),
    ),
    op(
      anyCase('remove'),
      'members',
      fc.subarray(ids).map((some) => some.map((value) => ({ value }))),
    ),
    fc.record({
      op: anyCase('remove'),
      path: fc.constantFrom(...ids).map((id) => `members[value eq "${id}"]`),
    }),
    fc.record({
      op: anyCase('remove'),
      path: fc.constantFrom('title', 'nickName', 'phoneNumbers[type eq "fax"]', 'roles'),
    }),
    fc.record({
      op: set,
      value: fc.record({ 'name.familyName': text, [`${ENTERPRISE}:department`]: text, nickName: text }),
    }),
  );
};

const patchOperation = (ids: string[]) =>
  fc.record(
    {
      op: fc.oneof(fc.constantFrom('add', 'replace', 'remove').chain(anyCase), fc.jsonValue({ maxDepth: 1 })),
      path: patchPath(ids),
      value: patchValue(ids),
    },
    { requiredKeys: [] },
  );

export const patchBody = (ids: string[]) =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        schemas: fc.constant([PATCH_OP]),
        Operations: fc.array(entraOperation(ids), { minLength: 1, maxLength: 4 }),
      }),
    },
    {
      weight: 5,
      arbitrary: fc.record({
        schemas: fc.constantFrom([PATCH_OP], [PATCH_OP.toUpperCase()], ['urn:x'], [], 'x'),
        Operations: fc.array(patchOperation(ids), { minLength: 0, maxLength: 4 }),
      }),
    },
    fc.array(patchOperation(ids), { maxLength: 3 }),
    fc.jsonValue({ maxDepth: 3 }),
  );

const userKeys = [
  'userName',
  'active',
  'emails',
  'name',
  'roles',
  'externalId',
  'phoneNumbers',
  'addresses',
  'meta',
  'id',
  'schemas',
  'groups',
  'displayName',
  'password',
  ENTERPRISE,
  `${ENTERPRISE}:manager`,
  `${CUSTOM}:attr`,
  CUSTOM,
  '__proto__',
  'constructor',
];

/** Entra's user with some attributes replaced by anything, or any JSON at all. */
export const userBody = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .dictionary(fc.oneof(fc.constantFrom(...userKeys), fc.string({ maxLength: 8 })), patchValue(['x']), {
        maxKeys: 3,
      })
      .map((overrides) => ({ ...entraUser(`fuzz${(serial += 1)}`), ...overrides })),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

export const groupBody = (ids: string[]) =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record(
        {
          schemas: fc.constantFrom(
            ['urn:ietf:params:scim:schemas:core:2.0:Group'],
            [
              'urn:ietf:params:scim:schemas:core:2.0:Group',
              'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group',
            ],
          ),
          displayName: fc.oneof(
            fc.string({ maxLength: 12 }).map((s) => `g${(serial += 1)} ${s}`),
            fc.jsonValue({ maxDepth: 1 }),
          ),
          externalId: fc.oneof(fc.uuid(), fc.jsonValue({ maxDepth: 1 })),
          members: patchValue(ids),
        },
        { requiredKeys: ['displayName'] },
      ),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );

/** Bodies that are not JSON, or not labelled as such. */
export const rawBody = fc.record({
  text: fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v).slice(0, -1)),
    fc.constantFrom('', 'null', '[]', '"x"', '{"schemas":', '\u0000', '{"a":1}{"b":2}'),
  ),
  contentType: fc.constantFrom(
    'application/scim+json',
    'application/json',
    'application/scim+json; charset=utf-8',
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/scim+json; charset=latin1',
  ),
});
