import type { ArchiveLimits } from './archive-limits.js';
import { entryPath } from './archive-paths.js';

/** A folder of code: archive-relative paths (`src/app.ts`) to their bytes, in archive order. */
export type CodeFiles = ReadonlyMap<string, Buffer>;

/**
 * Gathers the files of one archive under its limits: counts entries, refuses unsafe or
 * duplicate paths and a file where a folder is (or the reverse), and keeps the unpacked
 * total within bounds. `accept` is asked before a file's bytes are inflated or copied.
 */
export class CodeFilesCollector {
  private readonly files = new Map<string, Buffer>();
  private readonly folders = new Set<string>();
  private entries = 0;
  private total = 0;

  constructor(
    private readonly limits: ArchiveLimits,
    private readonly refuse: (reason: string) => Error,
  ) {}

  /** Counts one entry of any kind; refuses the archive past `maxEntries`. */
  countEntry(): void {
    if (++this.entries > this.limits.maxEntries) throw this.refuse(`it has more than ${this.limits.maxEntries} entries`);
  }

  /** The path a file entry is kept under, or null when it is ignored (`node_modules/`, …). */
  accept(rawName: string, declaredBytes: number): string | null {
    const resolved = entryPath(rawName);
    if ('refused' in resolved) throw this.refuse(resolved.refused);
    if ('ignored' in resolved) return null;
    const { path } = resolved;
    if (this.files.has(path)) throw this.refuse(`the file ${path} appears twice`);
    if (this.folders.has(path)) throw this.refuse(`${path} is both a file and a folder`);
    const parents = path.split('/').slice(0, -1);
    for (let i = 1; i <= parents.length; i++) {
      const folder = parents.slice(0, i).join('/');
      if (this.files.has(folder)) throw this.refuse(`${folder} is both a file and a folder`);
    }
    if (declaredBytes > this.limits.maxFileBytes)
      throw this.refuse(`${path} unpacks to ${declaredBytes} bytes; one file may have at most ${this.limits.maxFileBytes}`);
    if (this.total + declaredBytes > this.limits.maxTotalBytes) throw this.refuse(`its files unpack to more than ${this.limits.maxTotalBytes} bytes`);
    this.total += declaredBytes;
    return path;
  }

  /** Keeps an accepted file's bytes (exactly the size declared to `accept`). */
  add(path: string, bytes: Buffer): void {
    this.files.set(path, bytes);
    const parents = path.split('/').slice(0, -1);
    for (let i = 1; i <= parents.length; i++) this.folders.add(parents.slice(0, i).join('/'));
  }

  result(): CodeFiles {
    if (this.files.size === 0) throw this.refuse('it holds no files (outside node_modules/, __pycache__/ and .git/)');
    return this.files;
  }
}
