import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The directory holding the server's package.json (its source or build), starting at `from`. */
export function packageRoot(from: string): string {
  let dir = from;
  while (dirname(dir) !== dir) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return from;
}
