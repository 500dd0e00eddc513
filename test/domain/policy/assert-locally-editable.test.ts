import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertLocallyEditable } from '../../../src/domain/policy/assert-locally-editable.js';

const synced = {
  source: 'scim' as const,
  connectionId: 'c1',
  connectionName: 'Contoso Entra',
  email: 'ada@acme.test',
};

describe('assertLocallyEditable', () => {
  test('refuses to deactivate a directory user, naming the connection', () => {
    assert.throws(() => assertLocallyEditable(synced, { status: 'inactive' }), {
      code: 'locked_by_directory',
      status: 409,
      field: 'status',
      message: 'ada@acme.test is managed by Contoso Entra; deactivate them in Microsoft Entra ID',
    });
    assert.throws(() => assertLocallyEditable(synced, { delete: true }), {
      code: 'locked_by_directory',
      field: 'user',
    });
  });

  test('refuses edits of directory-owned fields, naming the field', () => {
    assert.throws(() => assertLocallyEditable(synced, { fields: ['notes', 'familyName'] }), {
      code: 'locked_by_directory',
      field: 'familyName',
    });
    assert.throws(() => assertLocallyEditable(synced, { fields: ['attributes.costCenter'] }), {
      field: 'attributes.costCenter',
    });
  });

  test('allows local users everything and directory users fields the directory does not own', () => {
    assertLocallyEditable({ source: 'local', connectionId: null }, { status: 'inactive', fields: ['email'] });
    assertLocallyEditable(synced, { fields: ['notes'] });
  });
});
