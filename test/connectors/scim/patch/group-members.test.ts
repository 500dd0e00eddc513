import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertScimError, patchGroup } from './helpers.js';

const group = () => ({ id: 'g-1', displayName: 'Sales' });
const changes = (added: string[], removed: string[], removeAllMembers = false) => ({
  added,
  removed,
  removeAllMembers,
});

describe('RFC 7643 §4.2 group members, reported as changes rather than stored in the resource', () => {
  test('adds members and never writes them into the resource', () => {
    const result = patchGroup(group(), {
      op: 'add',
      path: 'members',
      value: [{ value: 'u1' }, { value: 'u2', display: 'Ann' }],
    });
    assert.deepEqual(result.memberChanges, changes(['u1', 'u2'], []));
    assert.deepEqual(result.resource, group());
    assert.equal(result.modified, true);
  });

  test('accepts a single member object as the value', () => {
    assert.deepEqual(
      patchGroup(group(), { op: 'add', path: 'members', value: { value: 'u1' } }).memberChanges,
      changes(['u1'], []),
    );
  });

  test('removes members selected by value eq, alone or joined by or', () => {
    const result = patchGroup(group(), { op: 'remove', path: 'members[value eq "a" or value eq "b"]' });
    assert.deepEqual(result.memberChanges, changes([], ['a', 'b']));
  });

  test('removes every member when remove has neither value nor filter', () => {
    assert.deepEqual(
      patchGroup(group(), { op: 'remove', path: 'members' }).memberChanges,
      changes([], [], true),
    );
  });

  test('replaces members as "remove all, then add"', () => {
    const result = patchGroup(group(), { op: 'replace', path: 'members', value: [{ value: 'u9' }] });
    assert.deepEqual(result.memberChanges, changes(['u9'], [], true));
  });

  test('replaces members with an empty list as "remove all"', () => {
    assert.deepEqual(
      patchGroup(group(), { op: 'replace', path: 'members', value: [] }).memberChanges,
      changes([], [], true),
    );
  });

  test('handles members inside a path-less add or replace', () => {
    const result = patchGroup(group(), {
      op: 'replace',
      value: { displayName: 'Sales 2', members: [{ value: 'u1' }] },
    });
    assert.equal(result.resource.displayName, 'Sales 2');
    assert.deepEqual(result.memberChanges, changes(['u1'], [], true));
  });

  test('nets out operations in order: a later remove cancels an add and vice versa', () => {
    const result = patchGroup(
      group(),
      { op: 'add', path: 'members', value: [{ value: 'a' }, { value: 'b' }] },
      { op: 'remove', path: 'members[value eq "a"]' },
      { op: 'remove', path: 'members', value: [{ value: 'c' }] },
      { op: 'add', path: 'members', value: [{ value: 'c' }] },
    );
    assert.deepEqual(result.memberChanges, changes(['b', 'c'], ['a']));
  });

  test('keeps adds made after a remove-all', () => {
    const result = patchGroup(
      group(),
      { op: 'add', path: 'members', value: [{ value: 'a' }] },
      { op: 'remove', path: 'members' },
      { op: 'add', path: 'members', value: [{ value: 'b' }] },
      { op: 'remove', path: 'members[value eq "x"]' },
    );
    assert.deepEqual(result.memberChanges, changes(['b'], [], true));
  });

  test('matches the members attribute name case-insensitively and by its core URN', () => {
    const byUrn = patchGroup(group(), {
      op: 'add',
      path: 'urn:ietf:params:scim:schemas:core:2.0:Group:Members',
      value: [{ value: 'u' }],
    });
    assert.deepEqual(byUrn.memberChanges, changes(['u'], []));
  });

  test('rejects member filters other than value eq', () => {
    assertScimError(
      () => patchGroup(group(), { op: 'remove', path: 'members[display eq "Ann"]' }),
      'invalidFilter',
      /value eq "<id>"/,
    );
    assertScimError(
      () => patchGroup(group(), { op: 'remove', path: 'members[value sw "a"]' }),
      'invalidFilter',
      /value eq/,
    );
  });

  test('rejects patching member sub-attributes and filtered adds', () => {
    assertScimError(
      () => patchGroup(group(), { op: 'replace', path: 'members[value eq "a"].display', value: 'x' }),
      'invalidPath',
      /sub-attributes/,
    );
    assertScimError(
      () => patchGroup(group(), { op: 'add', path: 'members[value eq "a"]', value: { value: 'a' } }),
      'invalidPath',
      /only valid with remove/,
    );
  });

  test('rejects member values that are not objects with a string id', () => {
    for (const value of ['u1', [{ value: 5 }], [{ value: '' }], [['u1']]]) {
      assertScimError(
        () => patchGroup(group(), { op: 'add', path: 'members', value }),
        'invalidValue',
        /member id/,
      );
    }
  });

  test('reports an empty change set when nothing touches members', () => {
    const result = patchGroup(group(), { op: 'replace', path: 'displayName', value: 'Sales' });
    assert.deepEqual(result.memberChanges, changes([], []));
    assert.equal(result.modified, false);
  });
});
