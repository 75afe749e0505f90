import { lchown, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Gives `dir` and everything below it to `uid:gid` (symbolic links themselves, never their targets). */
export async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  await lchown(dir, uid, gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(path, uid, gid);
    else await lchown(path, uid, gid);
  }
}
