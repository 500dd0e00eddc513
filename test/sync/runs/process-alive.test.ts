import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { processIsAlive } from '../../../src/process-alive.js';

/**
 * What a killed Roster left behind (a sync lease, a preview copy) is recognised by its process id.
 * A process that has exited but is not reaped yet (a zombie: its parent does not wait for it, as in
 * a container whose init does not reap) still answers signal 0; it must count as gone.
 */
test(
  'a process that exited counts as gone, also before its parent reaps it',
  { skip: process.platform !== 'linux' },
  async () => {
    // The shell starts `sleep 0.1` in the background, then becomes `sleep 5`, which never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 5'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      const [line] = (await once(parent.stdout, 'data')) as [Buffer];
      const orphan = Number(line.toString().trim());
      assert.ok(Number.isInteger(orphan) && orphan > 0);
      assert.equal(processIsAlive(orphan), true);
      await sleep(400);
      assert.equal(processIsAlive(orphan), false);
      assert.equal(processIsAlive(parent.pid as number), true);
    } finally {
      parent.kill();
    }
  },
);
