// Property-based tests: whatever PATCH body a client sends, applyPatch either succeeds or throws a
// ScimProtocolError with status 400 and a scimType — never any other exception — and it never
// changes the resource it was given.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ScimProtocolError } from '../../../../src/connectors/scim/filter/index.js';
import { applyPatch, normalizeScimBooleans } from '../../../../src/connectors/scim/patch/index.js';
import { ENTERPRISE, PATCH_OP, sampleUser } from './helpers.js';

const SCIM_TYPES = new Set([
  'invalidSyntax',
  'invalidPath',
  'invalidFilter',
  'invalidValue',
  'mutability',
  'noTarget',
]);

function succeedsOrRejectsWith400(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof ScimProtocolError)) throw error;
    assert.equal(error.status, 400);
    assert.ok(SCIM_TYPES.has(error.scimType ?? ''), `unexpected scimType ${String(error.scimType)}`);
    assert.ok(error.detail.length > 0);
  }
}

const group = { id: 'g-1', displayName: 'Sales', externalId: 'e' };

const paths = [
  'active',
  'Active',
  'userName',
  'displayName',
  'title',
  'name',
  'name.givenName',
  'emails',
  'emails.value',
  'emails[type eq "work"]',
  'emails[type eq "work"].value',
  'emails[type eq "work"].primary',
  'emails[value co "x"]',
  'phoneNumbers[type eq "mobile"].value',
  'addresses[type eq "work"].streetAddress',
  'roles',
  'members',
  'members[value eq "u1"]',
  'members[value eq "u1"].display',
  'members[display eq "x"]',
  'id',
  'meta',
  'meta.created',
  'groups',
  'password',
  'x509Certificates',
  'custom',
  'custom.sub',
  'custom[a eq "b"].c',
  ENTERPRISE,
  `${ENTERPRISE}:manager`,
  `${ENTERPRISE}:manager.value`,
  `${ENTERPRISE}:manager.displayName`,
  `${ENTERPRISE}:employeeNumber`,
  'urn:ietf:params:scim:schemas:extension:Acme:2.0:User:badge',
  'urn:ietf:params:scim:schemas:extension:Acme:2.0:User',
  'urn:ietf:params:scim:schemas:core:2.0:Group:displayName',
  'emails[type eq ',
  'emails]',
  '[x]',
  '',
  ' ',
  'a b',
  '__proto__',
  'constructor',
  'toString',
  '$ref',
  '9x',
];

const valueArbitrary = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    'True',
    'False',
    'true',
    null,
    [],
    {},
    [{ value: 'u1' }],
    [{ $ref: null, value: 'u2' }],
    'm-1',
  ),
  fc.constantFrom({ value: '{"id":"r","value":"Admin","displayName":"Admin"}' }, [{ value: '{"id":"r"}' }]),
  fc.record({
    value: fc.string(),
    type: fc.constantFrom('work', 'home'),
    primary: fc.oneof(fc.boolean(), fc.constant('True')),
  }),
  fc.dictionary(
    fc.constantFrom(...paths, 'schemas', 'name.familyName', `${ENTERPRISE}:department`),
    fc.jsonValue({ maxDepth: 2 }),
    { maxKeys: 4 },
  ),
);

const operationArbitrary = fc.record(
  {
    op: fc.oneof(
      fc.constantFrom('add', 'Add', 'replace', 'Replace', 'remove', 'Remove', 'REMOVE', 'merge', ''),
      fc.jsonValue({ maxDepth: 1 }),
    ),
    path: fc.oneof(fc.constantFrom(...paths), fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 1 })),
    value: valueArbitrary,
  },
  { requiredKeys: ['op'] },
);

const bodyArbitrary = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .array(operationArbitrary, { minLength: 1, maxLength: 5 })
      .map((Operations) => ({ schemas: [PATCH_OP], Operations })),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) },
  {
    weight: 1,
    arbitrary: fc.record({
      schemas: fc.jsonValue({ maxDepth: 1 }),
      Operations: fc.jsonValue({ maxDepth: 3 }),
    }),
  },
);

describe('property: PATCH bodies either apply or fail with 400', () => {
  test('random bodies on a User, without touching the input', () => {
    fc.assert(
      fc.property(bodyArbitrary, (body) => {
        const user = { ...sampleUser(), [ENTERPRISE]: { manager: { value: 'm' } }, roles: [{ value: 'r' }] };
        const before = structuredClone(user);
        succeedsOrRejectsWith400(() => applyPatch(user, body, 'User'));
        assert.deepEqual(user, before);
      }),
      { numRuns: 3000 },
    );
  });

  test('random bodies on a Group, never materialising members', () => {
    fc.assert(
      fc.property(bodyArbitrary, (body) => {
        succeedsOrRejectsWith400(() => {
          const result = applyPatch(group, body, 'Group');
          assert.equal(Object.hasOwn(result.resource, 'members'), false);
          const ids = [...result.memberChanges.added, ...result.memberChanges.removed];
          assert.ok(ids.every((id) => typeof id === 'string' && id !== ''));
        });
      }),
      { numRuns: 2000 },
    );
  });

  test('random POST bodies through normalizeScimBooleans', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...paths), valueArbitrary, { maxKeys: 6 }), (body) => {
        succeedsOrRejectsWith400(() => normalizeScimBooleans(body, 'User'));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('property: PATCH semantics', () => {
  test('a replaced single-valued string reads back exactly as sent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const result = applyPatch(sampleUser(), [{ op: 'replace', path: 'title', value: text }], 'User');
        assert.equal(result.resource.title, text);
      }),
    );
  });

  test('adding the same values twice is the same as adding them once (RFC 7644 §3.5.2.1)', () => {
    const email = fc.record({
      value: fc.string({ minLength: 1, maxLength: 8 }),
      type: fc.constantFrom('work', 'home', 'other'),
    });
    fc.assert(
      fc.property(fc.array(email, { minLength: 1, maxLength: 4 }), (emails) => {
        const once = applyPatch(
          sampleUser(),
          [{ op: 'add', path: 'emails', value: emails }],
          'User',
        ).resource;
        const twice = applyPatch(once, [{ op: 'add', path: 'emails', value: emails }], 'User');
        assert.deepEqual(twice.resource, once);
        assert.equal(twice.modified, false);
      }),
    );
  });

  test('at most one email stays primary after any sequence of adds and replaces', () => {
    const email = fc.record({ value: fc.string({ maxLength: 4 }), primary: fc.boolean() });
    const op = fc.record({
      op: fc.constantFrom('add', 'replace'),
      path: fc.constant('emails'),
      value: fc.array(email, { maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 4 }), (operations) => {
        const emails = applyPatch(sampleUser(), operations, 'User').resource.emails;
        const list = Array.isArray(emails) ? (emails as { primary?: unknown }[]) : [];
        assert.ok(list.filter((item) => item.primary === true).length <= 1);
      }),
    );
  });
});
