/**
 * Whether a process of this host still exists: signal 0 checks without delivering anything.
 * EPERM means it exists under another user. Used to recognise what a killed process left behind
 * (a sync lease, a preview's database copy).
 */
export function processIsAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
