import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFilter } from '../../../../src/connectors/scim/filter/index.js';
import {
  elementForEntraFilteredPath,
  expandPathlessReplaceKeys,
  normalizeEntraManagerValue,
  normalizeEntraOperationName,
  parseEntraBoolean,
  parseEntraRoleValue,
} from '../../../../src/connectors/scim/patch/index.js';
import { resolveAttribute } from '../../../../src/connectors/scim/schema/attribute-schema.js';
import { ENTERPRISE } from './helpers.js';

describe('Entra quirks, one named function each', () => {
  test('normalizeEntraOperationName accepts Add, Replace and Remove in any case and nothing else', () => {
    assert.equal(normalizeEntraOperationName('Add'), 'add');
    assert.equal(normalizeEntraOperationName('REPLACE'), 'replace');
    assert.equal(normalizeEntraOperationName('remove'), 'remove');
    assert.equal(normalizeEntraOperationName('delete'), undefined);
    assert.equal(normalizeEntraOperationName(''), undefined);
  });

  test('parseEntraBoolean reads booleans and the words true and false only', () => {
    assert.equal(parseEntraBoolean('True'), true);
    assert.equal(parseEntraBoolean('FALSE'), false);
    assert.equal(parseEntraBoolean(false), false);
    for (const other of ['yes', '1', 1, null, undefined, '', 'truee'])
      assert.equal(parseEntraBoolean(other), undefined);
  });

  test('expandPathlessReplaceKeys turns dotted, URN-qualified and extension-object keys into paths', () => {
    const entries = expandPathlessReplaceKeys(
      {
        schemas: ['ignored'],
        'name.givenName': 'Ann',
        [`${ENTERPRISE}:employeeNumber`]: '7',
        [ENTERPRISE]: { department: 'D' },
        active: false,
      },
      'User',
    );
    assert.deepEqual(entries, [
      { path: 'name.givenName', value: 'Ann' },
      { path: `${ENTERPRISE}:employeeNumber`, value: '7' },
      { path: `${ENTERPRISE}:department`, value: 'D' },
      { path: 'active', value: false },
    ]);
  });

  test('parseEntraRoleValue reads the JSON text inside value, preferring value over id', () => {
    assert.deepEqual(
      parseEntraRoleValue({ value: '{"id":"i","value":"Admin","displayName":"Administrator"}' }),
      {
        value: 'Admin',
        display: 'Administrator',
      },
    );
    assert.deepEqual(parseEntraRoleValue({ primary: false, value: '{"id":"i"}' }), {
      primary: false,
      value: 'i',
    });
  });

  test('parseEntraRoleValue leaves anything else unchanged', () => {
    for (const element of [
      { value: 'Admin' },
      { value: '{broken' },
      { value: '["a"]' },
      { value: '{"x":1}' },
      'Admin',
    ]) {
      assert.deepEqual(parseEntraRoleValue(element), element);
    }
  });

  test('normalizeEntraManagerValue wraps a plain id string', () => {
    assert.deepEqual(normalizeEntraManagerValue('m-1'), { value: 'm-1' });
    assert.deepEqual(normalizeEntraManagerValue({ value: 'm-1' }), { value: 'm-1' });
  });

  test('elementForEntraFilteredPath builds a value from eq terms only', () => {
    const emails = resolveAttribute('User', { attribute: 'emails' });
    const filter = (text: string) => {
      const parsed = parseFilter(`emails[${text}]`);
      assert.ok(parsed.kind === 'valuePath');
      return parsed.filter;
    };
    assert.deepEqual(elementForEntraFilteredPath(filter('TYPE eq "work"'), emails), { type: 'work' });
    assert.deepEqual(elementForEntraFilteredPath(filter('type eq "work" and primary eq true'), emails), {
      type: 'work',
      primary: true,
    });
    for (const other of [
      'type ne "work"',
      'type eq "a" or type eq "b"',
      'type pr',
      'type eq null',
      'type eq "a" and type eq "b"',
    ]) {
      assert.equal(elementForEntraFilteredPath(filter(other), emails), undefined, other);
    }
  });
});
