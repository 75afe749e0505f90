import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readCgroupNumber, writeCgroupFile } from './cgroup-files.js';

/** Reads (and where the kernel allows, resets) the peak memory of a cgroup. */
export interface MemoryPeakProbe {
  reset(): void;
  peak(): number | null;
}

/** A probe over a cgroup directory, v1 (resettable `max_usage`) or v2 (`memory.peak`). */
export function memoryPeakProbe(dir: string): MemoryPeakProbe | null {
  if (existsSync(join(dir, 'memory.max_usage_in_bytes'))) {
    return {
      reset: () => {
        try {
          writeCgroupFile(dir, 'memory.max_usage_in_bytes', 0);
        } catch {
          // Gone with its container.
        }
      },
      peak: () => readCgroupNumber(dir, 'memory.max_usage_in_bytes'),
    };
  }
  if (existsSync(join(dir, 'memory.peak'))) return { reset: () => undefined, peak: () => readCgroupNumber(dir, 'memory.peak') };
  return null;
}
