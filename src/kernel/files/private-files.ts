import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';

/** Owner read/write only: what every store and key file in the data directory gets. */
export const PRIVATE_FILE_MODE = 0o600;

/** SQLite's companions of a database file; they hold the same data (the WAL in clear until checkpointed). */
const SQLITE_COMPANIONS = ['-wal', '-shm', '-journal'];

/**
 * Creates the directory if needed and sets its mode, also when it existed with a wider one
 * (an installation from before this rule). A directory that is not ours to close (another
 * user's, or a shared one with the sticky bit such as `/tmp`) is left as it is: the files
 * inside are 0600 anyway.
 */
export function ensurePrivateDirectory(dir: string, mode: number): void {
  mkdirSync(dir, { recursive: true, mode });
  const stats = statSync(dir);
  const ours = process.getuid === undefined || stats.uid === process.getuid();
  if (ours && (stats.mode & 0o1000) === 0 && (stats.mode & 0o777) !== mode) chmodSync(dir, mode);
}

/**
 * Creates the SQLite database file 0600 before SQLite opens it (SQLite then creates its
 * WAL and shared-memory files with the database's mode), and narrows an existing database
 * and its companions to 0600.
 */
export function ensurePrivateDatabaseFile(path: string): void {
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  for (const file of [path, ...SQLITE_COMPANIONS.map((suffix) => path + suffix)]) {
    if (existsSync(file)) chmodSync(file, PRIVATE_FILE_MODE);
  }
}
