import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensurePrivateDatabaseFile, ensurePrivateDirectory } from './private-files.js';

const mode = (path: string) => statSync(path).mode & 0o7777;

describe('private files', () => {
  const dirs: string[] = [];
  const scratch = () => {
    const dir = mkdtempSync(join(tmpdir(), 'fngraph-private-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('creates or narrows a directory of ours, and leaves a shared sticky one (like /tmp) alone', () => {
    const parent = scratch();
    ensurePrivateDirectory(join(parent, 'new', 'data'), 0o700);
    expect(mode(join(parent, 'new', 'data'))).toBe(0o700);
    chmodSync(parent, 0o755);
    ensurePrivateDirectory(parent, 0o711);
    expect(mode(parent)).toBe(0o711);
    chmodSync(parent, 0o1777);
    ensurePrivateDirectory(parent, 0o700);
    expect(mode(parent)).toBe(0o1777);
  });

  it('creates a database file 0600 and narrows it and its WAL and shared-memory files', () => {
    const dir = scratch();
    const db = join(dir, 'x.sqlite');
    ensurePrivateDatabaseFile(db);
    expect(mode(db)).toBe(0o600);
    for (const file of [db, `${db}-wal`, `${db}-shm`]) {
      writeFileSync(file, '', { flag: 'a' });
      chmodSync(file, 0o644);
    }
    ensurePrivateDatabaseFile(db);
    expect([db, `${db}-wal`, `${db}-shm`].map(mode)).toEqual([0o600, 0o600, 0o600]);
  });
});
