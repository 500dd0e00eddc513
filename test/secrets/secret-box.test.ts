import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { SecretBox, keyFileName, openSecretBox } from '../../src/secrets/secret-box.js';

describe('the secret box', () => {
  test('seals and opens, bound to its associated data', () => {
    const box = new SecretBox(Buffer.alloc(32, 7));
    const sealed = box.seal('s3cret', 'connection-1');
    assert.doesNotMatch(sealed, /s3cret/);
    assert.equal(box.open(sealed, 'connection-1'), 's3cret');
    assert.throws(() => box.open(sealed, 'connection-2'), { code: 'internal' });
    assert.throws(() => new SecretBox(Buffer.alloc(32, 8)).open(sealed, 'connection-1'), /ROSTER_SECRET_KEY/);
  });

  test('creates a key file readable only by its owner and reuses it', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-key-'));
    try {
      const sealed = openSecretBox({ secretKey: undefined, dataDir }).seal('x');
      const file = path.join(dataDir, keyFileName);
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.equal(openSecretBox({ secretKey: undefined, dataDir }).open(sealed), 'x');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('prefers ROSTER_SECRET_KEY over the key file', () => {
    const box = openSecretBox({ secretKey: 'cd'.repeat(32), dataDir: '/nonexistent' });
    assert.equal(box.open(box.seal('y')), 'y');
  });
});
