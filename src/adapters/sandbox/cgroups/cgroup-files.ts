import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessAlive } from '@/adapters/sandbox/process-alive.js';

// Small synchronous helpers over cgroupfs: every call is one system call on a pseudo file,
// cheaper than any asynchronous round trip.

export function writeCgroupFile(dir: string, file: string, value: string | number): void {
  writeFileSync(join(dir, file), String(value));
}

/** Writes a file that may not exist on this kernel/configuration; returns whether it did. */
export function writeOptionalCgroupFile(dir: string, file: string, value: string | number): boolean {
  if (!existsSync(join(dir, file))) return false;
  writeCgroupFile(dir, file, value);
  return true;
}

export function readCgroupNumber(dir: string, file: string): number | null {
  try {
    const value = Number.parseInt(readFileSync(join(dir, file), 'utf8'), 10);
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

/** Reads a `key value` per line file (`memory.events`, `memory.oom_control`). */
export function readCgroupKeyed(dir: string, file: string): Map<string, number> {
  const values = new Map<string, number>();
  try {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const [key, value] = line.trim().split(/\s+/);
      if (key && value !== undefined) values.set(key, Number(value));
    }
  } catch {
    // Gone or unreadable: nothing to report.
  }
  return values;
}

/** Lets a frozen cgroup run again (v1 or v2): its processes cannot die of SIGKILL before (v1). */
export function thawCgroup(dir: string): void {
  try {
    writeOptionalCgroupFile(dir, 'freezer.state', 'THAWED');
    writeOptionalCgroupFile(dir, 'cgroup.freeze', 0);
  } catch {
    // Gone already.
  }
}

/** SIGKILLs every process of a cgroup (cgroup v1 has no `cgroup.kill`). */
export function killCgroupMembers(dir: string): void {
  let pids: string[];
  try {
    pids = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n');
  } catch {
    return;
  }
  for (const pid of pids) {
    if (pid === '') continue;
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/**
 * Removes an empty cgroup. Processes killed a moment ago may still be leaving it, so a
 * busy cgroup is retried for a while; a missing one is fine.
 */
export async function removeCgroup(dir: string, attempts = 20): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      rmdirSync(dir);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return true;
      if (code !== 'EBUSY' || attempt >= attempts) return false;
      await sleep(Math.min(5 * attempt, 100));
    }
  }
}

/** Name of the cgroup holding one server's sandboxes; the pid identifies stale ones. */
export function instanceCgroupName(): string {
  return `fngraph-${process.pid}-${randomBytes(3).toString('hex')}`;
}

const INSTANCE_NAME = /^fngraph-(\d+)-[0-9a-f]+$/;

/**
 * Removes the sandbox cgroups left in `parent` by fngraph servers that died without
 * cleaning up (their pid is gone), killing any process still in them.
 */
export async function removeStaleInstances(parent: string): Promise<void> {
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return;
  }
  for (const name of entries) {
    const match = INSTANCE_NAME.exec(name);
    if (!match || isProcessAlive(Number(match[1]))) continue;
    const instance = join(parent, name);
    for (const child of subdirectories(instance)) {
      thawCgroup(child);
      killCgroupMembers(child);
      await removeCgroup(child);
    }
    await removeCgroup(instance);
  }
}

export function subdirectories(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(dir, entry.name));
  } catch {
    return [];
  }
}
