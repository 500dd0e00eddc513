/**
 * Property-based tests over HTTP: random and malformed filters, query parameters, PATCH and POST
 * bodies sent to a running Roster never get a 5xx. Every answer is a 2xx, or a 4xx SCIM Error
 * (RFC 7644 §3.12: the Error schema, `status` as a string) with `Content-Type:
 * application/scim+json`. Runs are bounded so each engine takes a few seconds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { rosterJson } from '../../support/cli.js';
import { engines } from '../../support/engines.js';
import { startTestRoster, type TestRoster } from '../../support/roster.js';
import { entraUser, scimClient, type ScimResponse } from '../../support/scim-client.js';
import { assertEntraResponseRules, type ScimClient } from './entra/replay.js';

/** 200 keeps each engine at a few seconds; raise SCIM_FUZZ_RUNS to search longer. */
const numRuns = Number(process.env.SCIM_FUZZ_RUNS ?? 200);
/**
 * On a loaded machine a property stops early rather than stretch the file past ~30 s per engine;
 * the runs it did make still count. SCIM_FUZZ_RUNS lifts the limit.
 */
const runLimits = process.env.SCIM_FUZZ_RUNS
  ? { numRuns }
  : { numRuns, interruptAfterTimeLimit: 2_500, markInterruptAsFailure: false };
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** The property every answer must have; the request is named in the message when it fails. */
function assertScimAnswer(res: ScimResponse, described: string): void {
  const request = described.length > 600 ? `${described.slice(0, 600)}…` : described;
  assert.ok(res.status < 500, `${request} → ${res.status} ${JSON.stringify(res.body)}`);
  assert.ok(res.status >= 200, `${request} → ${res.status}`);
  try {
    assertEntraResponseRules(res);
  } catch (error) {
    throw new Error(`${request} → ${res.status} ${JSON.stringify(res.body)}`, { cause: error });
  }
}

// ---- Arbitraries -------------------------------------------------------------------------------

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
const { filter: grammarFilter } = fc.letrec<{ filter: string; attrExp: string }>((tie) => ({
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
const typedFilter = fc
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

const anyFilter = fc.oneof(
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
const queryParams = fc
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
const entraOperation = (ids: string[]) => {
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

const patchBody = (ids: string[]) =>
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
const userBody = fc.oneof(
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

const groupBody = (ids: string[]) =>
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
const rawBody = fc.record({
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

// ---- Properties --------------------------------------------------------------------------------

for (const engine of engines) {
  describe(`SCIM over HTTP answers random input with 2xx or a SCIM 4xx, on ${engine}`, () => {
    let server: TestRoster;
    let scim: ScimClient;
    const ids: string[] = [];
    let userId = '';
    let groupId = '';

    before(async () => {
      server = await startTestRoster(engine);
      await rosterJson(['org', 'create', 'acme', '--name', 'Acme Corp'], server.env);
      const connected = await rosterJson<{ tenantUrl: string; token: string }>(
        ['scim', 'connect', 'acme'],
        server.env,
      );
      scim = scimClient(connected.tenantUrl, connected.token);
      for (const n of [1, 2, 3]) {
        const res = await scim.post(
          '/Users',
          entraUser(`seed${n}`, {
            phoneNumbers: [{ type: 'mobile', value: `+1 555 010${n}` }],
            [ENTERPRISE]: { employeeNumber: String(n), department: 'R&D' },
            [`${CUSTOM}:attr`]: `v${n}`,
            roles: [
              { primary: false, type: 'WindowsAzureActiveDirectoryRole', value: 'User', display: 'User' },
            ],
          }),
        );
        assert.equal(res.status, 201, JSON.stringify(res.body));
        ids.push(String(res.body.id));
      }
      userId = ids[0] ?? '';
      const group = await scim.post('/Groups', {
        displayName: 'Fuzzed',
        members: ids.map((value) => ({ value })),
      });
      assert.equal(group.status, 201, JSON.stringify(group.body));
      groupId = String(group.body.id);
      ids.push(groupId);
    });
    after(() => server.close());

    const send = async (method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
      const res = await scim.call(method, path, body, headers);
      assertScimAnswer(res, `${method} ${path} ${body === undefined ? '' : JSON.stringify(body)}`);
      return res;
    };

    test('any method on any path under the Tenant URL', async () => {
      const segment = fc.oneof(
        fc.constantFrom(
          'Users',
          'Groups',
          'Me',
          'Bulk',
          'Schemas',
          'ResourceTypes',
          'ServiceProviderConfig',
          'no-such-id',
        ),
        fc.string({ maxLength: 10 }).map(encodeURIComponent),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
          fc.array(segment, { minLength: 1, maxLength: 3 }),
          async (method, segments) => {
            await send(
              method,
              `/${segments.join('/')}`,
              method === 'GET' || method === 'DELETE' ? undefined : {},
            );
          },
        ),
        runLimits,
      );
    });

    test('filters on /Users and /Groups', async () => {
      await fc.assert(
        fc.asyncProperty(anyFilter, fc.constantFrom('/Users', '/Groups'), async (filter, endpoint) => {
          await send('GET', `${endpoint}?filter=${encodeURIComponent(filter)}`);
        }),
        runLimits,
      );
    });

    test('list query parameters', async () => {
      await fc.assert(
        fc.asyncProperty(queryParams, fc.constantFrom('/Users', '/Groups'), async (query, endpoint) => {
          await send('GET', `${endpoint}?${query}`);
        }),
        runLimits,
      );
    });

    test('attributes and excludedAttributes on a single resource, and odd ids', async () => {
      const ref = fc.oneof(
        fc.constantFrom(`/Users/${userId}`, `/Groups/${groupId}`),
        fc.string({ maxLength: 20 }).map((id) => `/Users/${encodeURIComponent(id)}`),
        fc.string({ maxLength: 20 }).map((id) => `/Groups/${encodeURIComponent(id)}`),
      );
      await fc.assert(
        fc.asyncProperty(ref, queryParams, async (path, query) => {
          await send('GET', `${path}?${query}`);
        }),
        runLimits,
      );
    });

    test('PATCH bodies on a user', async () => {
      await fc.assert(
        fc.asyncProperty(
          patchBody(ids),
          fc.oneof(
            { weight: 4, arbitrary: fc.constant(undefined) },
            fc.constantFrom('*', 'W/"1"', '"x"', 'W/', ''),
          ),
          async (body, ifMatch) => {
            await send(
              'PATCH',
              `/Users/${userId}`,
              body,
              ifMatch === undefined ? {} : { 'if-match': ifMatch },
            );
          },
        ),
        runLimits,
      );
    });

    test('PATCH bodies on a group', async () => {
      await fc.assert(
        fc.asyncProperty(patchBody(ids), async (body) => {
          await send('PATCH', `/Groups/${groupId}`, body);
        }),
        runLimits,
      );
    });

    test('POST and PUT bodies for users', async () => {
      await fc.assert(
        fc.asyncProperty(userBody, fc.constantFrom('POST', 'PUT'), async (body, method) => {
          await send(method, method === 'POST' ? '/Users' : `/Users/${ids[1] ?? ''}`, body);
        }),
        {
          ...runLimits,
          // Found by this property: an extension key holding a string, then one of its attributes.
          examples: [
            [{ ...entraUser('example'), [ENTERPRISE]: 'True', [`${ENTERPRISE}:manager`]: {} }, 'POST'],
          ],
        },
      );
    });

    test('POST and PUT bodies for groups', async () => {
      await fc.assert(
        fc.asyncProperty(groupBody(ids), fc.constantFrom('POST', 'PUT'), async (body, method) => {
          await send(method, method === 'POST' ? '/Groups' : `/Groups/${groupId}`, body);
        }),
        runLimits,
      );
    });

    test('parallel batches of Entra writes and reads', async () => {
      const users = ids.slice(0, 3);
      const request = fc.oneof(
        fc
          .tuple(fc.constantFrom(...users), fc.array(entraOperation(ids), { minLength: 1, maxLength: 3 }))
          .map(([id, ops]) => ['PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: ops }] as const),
        fc
          .array(entraOperation(ids), { minLength: 1, maxLength: 3 })
          .map((ops) => ['PATCH', `/Groups/${groupId}`, { schemas: [PATCH_OP], Operations: ops }] as const),
        typedFilter.map(
          (filter) => ['GET', `/Users?filter=${encodeURIComponent(filter)}`, undefined] as const,
        ),
        fc.constant(['GET', `/Groups/${groupId}`, undefined] as const),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(request, { minLength: 2, maxLength: 12 }), async (batch) => {
          await Promise.all(batch.map(([method, path, body]) => send(method, path, body)));
        }),
        { ...runLimits, numRuns: Math.ceil(numRuns / 4) },
      );
    });

    test('bodies that are not JSON or not labelled as JSON', async () => {
      await fc.assert(
        fc.asyncProperty(
          rawBody,
          fc.constantFrom(['POST', '/Users'], ['POST', '/Groups'], ['PATCH', '/Users/'], ['PUT', '/Groups/']),
          async ({ text, contentType }, [method, endpoint]) => {
            const path =
              endpoint === '/Users/'
                ? `/Users/${userId}`
                : endpoint === '/Groups/'
                  ? `/Groups/${groupId}`
                  : endpoint;
            await send(method ?? 'POST', path ?? '/Users', text, { 'content-type': contentType });
          },
        ),
        runLimits,
      );
    });
  });
}
