import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeCgroupFile } from './cgroup-files.js';

/**
 * Freezes every process of a cgroup, and thaws them: one write to a pseudo file each, so
 * cheap enough for every invocation (no engine round trip, unlike `docker pause`). A frozen
 * process uses no CPU; its timers and threads resume where they were when thawed.
 */
export interface CgroupFreezer {
  freeze(): void;
  thaw(): void;
}

/** The freezer of a cgroup directory: v1 (`freezer.state`) or v2 (`cgroup.freeze`); null without either. */
export function cgroupFreezer(dir: string): CgroupFreezer | null {
  if (existsSync(join(dir, 'freezer.state'))) {
    return { freeze: () => writeCgroupFile(dir, 'freezer.state', 'FROZEN'), thaw: () => writeCgroupFile(dir, 'freezer.state', 'THAWED') };
  }
  if (existsSync(join(dir, 'cgroup.freeze'))) {
    return { freeze: () => writeCgroupFile(dir, 'cgroup.freeze', 1), thaw: () => writeCgroupFile(dir, 'cgroup.freeze', 0) };
  }
  return null;
}
