import { chmod, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import type { CodeFiles } from './code-files.js';

const WORK_DIR_PREFIX = '.work-';

/**
 * The folders of archive versions on this machine, `<FNGRAPH_CODE_DIR>/<codeHash>`, which
 * sandboxes see read-only as the function's folder. Content-addressed (versions with the
 * same archive share one) and laid out once: written in a work directory and renamed into
 * place, so a folder is either absent or complete. Another node, or a cleared data
 * directory, lays it out again from the version's sealed archive.
 */
@Injectable()
export class CodeTrees {
  private readonly root: string;
  private readonly rootMode: number;
  private readonly pending = new Map<string, Promise<string>>();

  constructor(config: AppConfig) {
    this.root = config.codeDir;
    // As private as the data directory: sandboxes (as the sandbox user) traverse it, nobody lists it.
    this.rootMode = config.dataDirMode;
  }

  /** The folder of an archive (by its sha256), laid out from `files()` first if needed. */
  ensure(codeHash: string, files: () => CodeFiles): Promise<string> {
    if (!/^[0-9a-f]{64}$/.test(codeHash)) throw new Error(`Not a code hash: ${codeHash}`);
    let pending = this.pending.get(codeHash);
    if (!pending) {
      pending = this.layOut(codeHash, files).finally(() => this.pending.delete(codeHash));
      this.pending.set(codeHash, pending);
    }
    return pending;
  }

  private async layOut(codeHash: string, files: () => CodeFiles): Promise<string> {
    const target = join(this.root, codeHash);
    if (await isDirectory(target)) return target;
    if ((await mkdir(this.root, { recursive: true })) !== undefined) await chmod(this.root, this.rootMode);
    const work = await mkdtemp(join(this.root, `${WORK_DIR_PREFIX}${codeHash.slice(0, 16)}-`));
    try {
      // Sandboxes run as another user: folders and files must be readable (never writable) by it.
      await chmod(work, 0o755);
      // Modes are set explicitly: the server's umask may be stricter.
      const folders = new Set<string>();
      for (const [path, bytes] of files()) {
        const file = join(work, path);
        if (!folders.has(dirname(file))) await mkdir(dirname(file), { recursive: true });
        for (let folder = dirname(file); folder !== work && !folders.has(folder); folder = dirname(folder)) folders.add(folder);
        await writeFile(file, bytes, { flag: 'wx' });
        await chmod(file, 0o644);
      }
      for (const folder of folders) await chmod(folder, 0o755);
      try {
        await rename(work, target);
      } catch (error) {
        // Another server process laid out the same archive first.
        if (!(await isDirectory(target))) throw error;
      }
      return target;
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
