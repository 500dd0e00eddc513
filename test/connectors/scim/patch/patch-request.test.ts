import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyPatch } from '../../../../src/connectors/scim/patch/index.js';
import { PATCH_OP, assertScimError, patchBody, patchUser, sampleUser } from './helpers.js';

describe('RFC 7644 §3.5.2 the PatchOp message', () => {
  test('rejects a body without the PatchOp schema', () => {
    assertScimError(
      () => applyPatch(sampleUser(), { Operations: [{ op: 'add', path: 'title', value: 'x' }] }, 'User'),
      'invalidSyntax',
      /"schemas" must be \["urn:ietf:params:scim:api:messages:2.0:PatchOp"\]/,
    );
  });

  test('rejects a body without Operations, or with none', () => {
    assertScimError(
      () => applyPatch(sampleUser(), { schemas: [PATCH_OP] }, 'User'),
      'invalidSyntax',
      /"Operations"/,
    );
    assertScimError(() => applyPatch(sampleUser(), patchBody(), 'User'), 'invalidSyntax', /no operations/);
    assertScimError(() => applyPatch(sampleUser(), 'nonsense', 'User'), 'invalidSyntax', /PatchOp message/);
  });

  test('accepts the Operations list on its own', () => {
    const result = applyPatch(sampleUser(), [{ op: 'replace', path: 'title', value: 'Guide' }], 'User');
    assert.equal(result.resource.title, 'Guide');
  });

  test('rejects an unknown op with invalidSyntax and names the operation', () => {
    assertScimError(
      () => patchUser(sampleUser(), { op: 'replace', path: 'title', value: 'x' }, { op: 'merge', value: {} }),
      'invalidSyntax',
      /Operation 2: "op" must be "add", "replace" or "remove", not "merge"/,
    );
    assertScimError(() => patchUser(sampleUser(), { path: 'title' }), 'invalidSyntax', /not nothing/);
    assertScimError(() => patchUser(sampleUser(), { op: 42 }), 'invalidSyntax', /not 42/);
  });

  test('rejects a path that is not a string', () => {
    assertScimError(
      () => patchUser(sampleUser(), { op: 'add', path: 5, value: 'x' }),
      'invalidPath',
      /must be a string/,
    );
  });

  test('rejects add and replace without a value', () => {
    assertScimError(
      () => patchUser(sampleUser(), { op: 'add', path: 'title' }),
      'invalidValue',
      /needs a "value"/,
    );
    assertScimError(() => patchUser(sampleUser(), { op: 'replace' }), 'invalidValue', /needs a "value"/);
  });

  test('refuses more operations than the configured limit', () => {
    const operations = Array.from({ length: 3 }, () => ({ op: 'add', path: 'title', value: 'x' }));
    assertScimError(
      () => applyPatch(sampleUser(), patchBody(...operations), 'User', { maxOperations: 2 }),
      'invalidSyntax',
      /at most 2 operations/,
    );
  });

  test('never changes the resource passed in, and applies nothing when one operation fails', () => {
    const user = sampleUser();
    const before = structuredClone(user);
    assertScimError(
      () =>
        patchUser(
          user,
          { op: 'replace', path: 'title', value: 'x' },
          { op: 'replace', path: 'id', value: 'y' },
        ),
      'mutability',
      /Operation 2 \(replace\): "id" is readOnly/,
    );
    patchUser(user, { op: 'replace', path: 'title', value: 'x' });
    assert.deepEqual(user, before);
  });

  test('reports whether anything changed', () => {
    const same = applyPatch(
      sampleUser(),
      patchBody({ op: 'replace', path: 'displayName', value: 'Babs Jensen' }),
      'User',
    );
    assert.equal(same.modified, false);
    const changed = applyPatch(
      sampleUser(),
      patchBody({ op: 'replace', path: 'displayName', value: 'B' }),
      'User',
    );
    assert.equal(changed.modified, true);
  });
});
