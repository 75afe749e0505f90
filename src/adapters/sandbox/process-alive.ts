import { readFileSync } from 'node:fs';

/** Whether a process with this pid exists on this host (stale-sandbox detection). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether a child process still runs: unlike `isProcessAlive`, a zombie (killed, not yet
 * reaped by Node) counts as gone. Cheap: one small read of /proc.
 */
export function isProcessRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.charAt(stat.lastIndexOf(')') + 2);
    return state !== 'Z' && state !== 'X' && state !== 'x';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    // No /proc here: existence is the best we can tell.
    return isProcessAlive(pid);
  }
}
