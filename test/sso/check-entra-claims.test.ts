import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IDToken } from 'openid-client';
import { checkEntraClaims } from '../../src/sso/check-entra-claims.js';
import { canChange, portalRoleOf, rolesFromColumn } from '../../src/sso/portal-role.js';
import { safeReturnTo } from '../../src/sso/sign-in-routes.js';
import { SsoError } from '../../src/sso/sso-error.js';
import { authorityOf, type SsoSettingsView } from '../../src/sso/sso-settings.js';

const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const settings: SsoSettingsView = {
  tenantId,
  clientId: 'client',
  cloud: 'global',
  loginUrl: 'https://login.microsoftonline.com',
  loginUrlOverride: null,
  enabled: true,
  authority: authorityOf('https://login.microsoftonline.com', tenantId),
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const claims = (extra: Record<string, unknown>): IDToken => ({
  iss: settings.authority,
  sub: 's',
  aud: 'client',
  iat: 0,
  exp: 0,
  tid: tenantId,
  oid: 'o-1',
  ...extra,
});
const code = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return error instanceof SsoError ? error.code : 'other';
  }
  return 'none';
};

describe('Entra id token rules', () => {
  test('accepts a token of the organization tenant and reads the identity', () => {
    const identity = checkEntraClaims(
      claims({ preferred_username: 'Ada@Contoso.com', name: 'Ada' }),
      settings,
    );
    assert.deepEqual(identity, { objectId: 'o-1', tenantId, email: 'ada@contoso.com', name: 'Ada' });
  });
  test('prefers the email claim over the sign-in name', () => {
    const identity = checkEntraClaims(
      claims({ email: 'ada@mail.example', preferred_username: 'ada@upn.example' }),
      settings,
    );
    assert.equal(identity.email, 'ada@mail.example');
  });
  test('refuses another issuer, such as another cloud', () => {
    assert.equal(
      code(() =>
        checkEntraClaims(claims({ iss: `https://login.microsoftonline.us/${tenantId}/v2.0` }), settings),
      ),
      'issuer_mismatch',
    );
  });
  test('refuses a token of another tenant', () => {
    assert.equal(
      code(() => checkEntraClaims(claims({ tid: '00000000-0000-0000-0000-000000000001' }), settings)),
      'tenant_mismatch',
    );
  });
  test('refuses a token without an object id', () => {
    assert.equal(
      code(() => checkEntraClaims(claims({ oid: undefined }), settings)),
      'provider_error',
    );
  });
});

describe('portal roles', () => {
  test('the strongest portal role wins, whatever its spelling', () => {
    assert.equal(portalRoleOf(['readonly', 'Admin', 'Pilot']), 'Admin');
    assert.equal(portalRoleOf(['enterprise_admin']), 'EnterpriseAdmin');
    assert.equal(portalRoleOf(['Pilot']), undefined);
  });
  test('ReadOnly and User look; Admin and EnterpriseAdmin change', () => {
    assert.deepEqual(['ReadOnly', 'User', 'Admin', 'EnterpriseAdmin'].map(canChange), [
      false,
      false,
      true,
      true,
    ]);
  });
  test('reads roles stored as strings or as SCIM role objects', () => {
    assert.deepEqual(rolesFromColumn('["Admin",{"value":"User"},7]'), ['Admin', 'User']);
    assert.deepEqual(rolesFromColumn('not json'), []);
  });
});

describe('return paths after sign-in', () => {
  test('only same-origin paths are followed', () => {
    assert.equal(safeReturnTo('/users?status=inactive'), '/users?status=inactive');
    assert.equal(safeReturnTo('/groups#members'), '/groups#members');
    // Browsers drop tabs and newlines in a Location and read a backslash as a slash.
    const sneaky = ['/\t/evil.example/x', '/\n/evil.example', '/\\/evil.example', '/.//evil.example'];
    for (const bad of [
      'https://evil.example/',
      '//evil.example',
      '/\\evil.example',
      'users',
      undefined,
      ...sneaky,
    ]) {
      assert.equal(safeReturnTo(bad), '/');
    }
  });
});
