import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseGraphConnectionInput } from '../../../src/connectors/graph/graph-connections.js';
import { parseInterval } from '../../../src/connectors/graph/graph-settings.js';

const base = {
  tenantId: '11111111-2222-3333-4444-555555555555',
  clientId: 'a0f0c0de-0000-4000-8000-000000000006',
  clientSecret: 's',
};

describe('Graph connection settings', () => {
  test('national clouds pair their login and Graph hosts', () => {
    const hosts = (cloud: string) => {
      const { settings } = parseGraphConnectionInput({ ...base, cloud });
      return [settings.loginUrl, settings.graphUrl];
    };
    assert.deepEqual(hosts('global'), ['https://login.microsoftonline.com', 'https://graph.microsoft.com']);
    assert.deepEqual(hosts('usgov'), ['https://login.microsoftonline.us', 'https://graph.microsoft.us']);
    assert.deepEqual(hosts('dod'), ['https://login.microsoftonline.us', 'https://dod-graph.microsoft.us']);
    assert.deepEqual(hosts('china'), [
      'https://login.partner.microsoftonline.cn',
      'https://microsoftgraph.chinacloudapi.cn',
    ]);
    assert.throws(() => hosts('mars'), { field: 'cloud' });
  });

  test('host overrides accept https anywhere and plain http only on loopback', () => {
    const { settings } = parseGraphConnectionInput({
      ...base,
      loginUrl: 'http://127.0.0.1:9000/',
      graphUrl: 'https://graph.internal',
    });
    assert.equal(settings.loginUrl, 'http://127.0.0.1:9000');
    assert.equal(settings.graphUrl, 'https://graph.internal');
    assert.throws(
      () => parseGraphConnectionInput({ ...base, graphUrl: 'http://graph.example.com' }),
      /graphUrl must use https/,
    );
  });

  test('the tenant must be one directory, not common', () => {
    assert.throws(() => parseGraphConnectionInput({ ...base, tenantId: 'common' }), { field: 'tenantId' });
    assert.equal(
      parseGraphConnectionInput({ ...base, tenantId: 'contoso.onmicrosoft.com' }).settings.tenantId,
      'contoso.onmicrosoft.com',
    );
  });

  test('exactly one credential, and a secret expiry date', () => {
    assert.throws(
      () => parseGraphConnectionInput({ ...base, clientSecret: undefined }),
      /exactly one credential/,
    );
    const { secretExpiresAt, credential } = parseGraphConnectionInput({
      ...base,
      secretExpiresAt: '2099-03-01',
    });
    assert.equal(secretExpiresAt, '2099-03-01T00:00:00.000Z');
    assert.equal(credential.kind, 'secret');
    assert.throws(() => parseGraphConnectionInput({ ...base, secretExpiresAt: '2020-01-31' }), {
      field: 'secretExpiresAt',
      message: /in the past/,
    });
  });

  test('intervals read as minutes', () => {
    assert.equal(parseInterval('15m'), 15);
    assert.equal(parseInterval('1h'), 60);
    assert.equal(parseInterval('off'), null);
    assert.throws(() => parseInterval('0m'), { field: 'interval' });
    assert.throws(() => parseInterval('soon'), { field: 'interval' });
  });
});
