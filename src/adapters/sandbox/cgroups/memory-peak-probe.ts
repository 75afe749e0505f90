import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readCgroupNumber } from './cgroup-files.js';

/** Reads the peak memory of a cgroup over its life. */
export interface MemoryPeakProbe {
  peak(): number | null;
}

/** A probe over a cgroup directory, v1 (`memory.max_usage_in_bytes`) or v2 (`memory.peak`). */
export function memoryPeakProbe(dir: string): MemoryPeakProbe | null {
  for (const file of ['memory.max_usage_in_bytes', 'memory.peak']) {
    if (existsSync(join(dir, file))) return { peak: () => readCgroupNumber(dir, file) };
  }
  return null;
}
