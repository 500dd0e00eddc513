import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { roster } from '../support/cli.js';

/** `roster demo` that cannot start says why and leaves nothing behind. SQLite only, as the demo. */
describe('roster demo that cannot start', () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-demo-start-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const demoFolders = () => fs.readdirSync(tmp).filter((name) => name.startsWith('roster-demo-'));

  test('quotes the port it was given when that is not a port, naming --port or PORT', async () => {
    const result = await roster(['demo', '--port', 'abc'], { TMPDIR: tmp, LOG_LEVEL: 'silent' });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stderr.trim(), 'roster: --port must be a port number from 0 to 65535, got "abc"');
    const fromEnv = await roster(['demo'], { TMPDIR: tmp, LOG_LEVEL: 'silent', PORT: 'abc' });
    assert.equal(fromEnv.code, 2, fromEnv.stderr);
    assert.equal(fromEnv.stderr.trim(), 'roster: PORT must be a port number from 0 to 65535, got "abc"');
    assert.deepEqual(demoFolders(), []);
  });

  test('removes its temporary data folder when the emulator cannot listen', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      const result = await roster(['demo', '--port', '0', '--emulator-port', String(port)], {
        TMPDIR: tmp,
        LOG_LEVEL: 'silent',
      });
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /EADDRINUSE/);
      assert.deepEqual(demoFolders(), []);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
