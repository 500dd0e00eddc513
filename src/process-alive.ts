import fs from 'node:fs';

/**
 * Whether a process of this host still exists: signal 0 checks without delivering anything.
 * EPERM means it exists under another user. Used to recognise what a killed process left behind
 * (a sync lease, a preview's database copy).
 */
export function processIsAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/**
 * A killed process that its parent has not reaped yet still answers signal 0, but never runs again.
 * In a container whose init does not reap orphans, a killed Roster stays so for a long time.
 * Linux says so in /proc/<pid>/stat (state Z); elsewhere the process counts as alive.
 */
function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // "pid (command) state …": the command may hold spaces and parentheses, so read after the last ')'.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X';
}
