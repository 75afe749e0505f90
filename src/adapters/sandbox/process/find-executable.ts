import { accessSync, constants, realpathSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** Where system binaries live; searched instead of PATH, which only the config may read. */
const BINARY_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** An absolute path to an executable named `nameOrPath`, or null. */
export function findExecutable(nameOrPath: string): string | null {
  const candidates = isAbsolute(nameOrPath) ? [nameOrPath] : BINARY_DIRS.map((dir) => join(dir, nameOrPath));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Try the next one.
    }
  }
  return null;
}

/** The path with every link resolved, or null when it does not exist. */
export function realpathOrNull(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}
