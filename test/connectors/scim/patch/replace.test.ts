import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertScimError, patchUser, sampleUser } from './helpers.js';

describe('RFC 7644 §3.5.2.3 replace', () => {
  test('replaces a single-valued attribute', () => {
    assert.equal(
      patchUser(sampleUser(), { op: 'replace', path: 'userName', value: 'babs' }).userName,
      'babs',
    );
  });

  test('replaces every value of a multi-valued attribute', () => {
    const user = patchUser(sampleUser(), {
      op: 'replace',
      path: 'emails',
      value: [{ value: 'only@x.org', type: 'work' }],
    });
    assert.deepEqual(user.emails, [{ value: 'only@x.org', type: 'work' }]);
  });

  test('replaces the given sub-attributes of a complex attribute and keeps the others', () => {
    const user = patchUser(sampleUser(), { op: 'replace', path: 'name', value: { familyName: 'Smith' } });
    assert.deepEqual(user.name, { givenName: 'Barbara', familyName: 'Smith' });
  });

  test('replaces a sub-attribute by path', () => {
    const user = patchUser(sampleUser(), { op: 'replace', path: 'name.familyName', value: 'Smith' });
    assert.deepEqual(user.name, { givenName: 'Barbara', familyName: 'Smith' });
  });

  test('replaces the values a filter selects', () => {
    const user = patchUser(sampleUser(), {
      op: 'replace',
      path: 'emails[type eq "home"]',
      value: { value: 'new@jensen.org', type: 'home' },
    });
    assert.deepEqual((user.emails as unknown[])[1], { value: 'new@jensen.org', type: 'home' });
  });

  test('replaces a sub-attribute of every value a filter selects', () => {
    const user = patchUser(sampleUser(), {
      op: 'replace',
      path: 'emails[type eq "work"].value',
      value: 'w@x.org',
    });
    assert.deepEqual((user.emails as unknown[])[0], { value: 'w@x.org', type: 'work', primary: true });
  });

  test('fails with noTarget when a filter without a sub-attribute selects nothing', () => {
    assertScimError(
      () =>
        patchUser(sampleUser(), {
          op: 'replace',
          path: 'emails[type eq "other"]',
          value: { value: 'o@x.org' },
        }),
      'noTarget',
      /matches no value to replace/,
    );
  });

  test('fails with noTarget when a filter that is not a plain equality selects nothing', () => {
    assertScimError(
      () => patchUser(sampleUser(), { op: 'replace', path: 'emails[type co "oth"].value', value: 'o@x.org' }),
      'noTarget',
      /matches no value/,
    );
  });

  test('without a path, replaces each attribute of the value', () => {
    const user = patchUser(sampleUser(), { op: 'replace', value: { displayName: 'B', active: false } });
    assert.equal(user.displayName, 'B');
    assert.equal(user.active, false);
  });

  test('with a null value, leaves the attribute unassigned (RFC 7643 §2.5)', () => {
    assert.equal(
      'displayName' in patchUser(sampleUser(), { op: 'replace', path: 'displayName', value: null }),
      false,
    );
  });
});
