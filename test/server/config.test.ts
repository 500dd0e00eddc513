import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('PORT', () => {
  test('accepts a decimal port from 0 to 65535', () => {
    assert.equal(loadConfig({ PORT: '18500' }).port, 18500);
    assert.equal(loadConfig({ PORT: '0' }).port, 0);
    assert.equal(loadConfig({ PORT: '65535' }).port, 65535);
    assert.equal(loadConfig({}, { port: 8081 }).port, 8081);
  });

  test('refuses hexadecimal, exponent, fractional, signed and spaced forms, quoting them', () => {
    for (const raw of ['0x4844', '1.8e4', '8080.0', '+80', '-1', ' 80', '65536', '', 'eighty']) {
      assert.throws(() => loadConfig({ PORT: raw }), {
        name: 'ConfigError',
        message: `PORT must be a port number from 0 to 65535, got "${raw}"`,
      });
    }
    assert.throws(() => loadConfig({}, { port: Number.NaN }), ConfigError);
  });
});
