import { lchown, lstat, readdir, rm } from 'node:fs/promises';
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

/**
 * Like `chownTree`, for a tree another user wrote: a non-directory with more than one
 * link is removed instead (changing its owner would change that of its other names,
 * wherever they are).
 */
export async function reclaimTree(dir: string, uid: number, gid: number): Promise<void> {
  await lchown(dir, uid, gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await reclaimTree(path, uid, gid);
    else if ((await lstat(path)).nlink > 1) await rm(path, { force: true });
    else await lchown(path, uid, gid);
  }
}
