import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppConfig } from '@/kernel/config/app-config.js';
import type { CodeFiles } from './code-files.js';
import { CodeTrees } from './code-trees.js';

const HASH = 'a'.repeat(64);

describe('CodeTrees', () => {
  let root: string;
  let trees: CodeTrees;
  let layouts: number;
  const files = (): CodeFiles => {
    layouts++;
    return new Map([
      ['main.py', Buffer.from('import helpers\n')],
      ['pkg/sub/mod.py', Buffer.from('x = 1\n')],
    ]);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'code-trees-'));
    trees = new CodeTrees({ codeDir: join(root, 'code'), dataDirMode: 0o711 } as AppConfig);
    layouts = 0;
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lays an archive out once, readable by the sandbox user and private above it, and again when the folder is gone', async () => {
    const [first, second] = await Promise.all([trees.ensure(HASH, files), trees.ensure(HASH, files)]);
    expect(first).toBe(join(root, 'code', HASH));
    expect(second).toBe(first);
    expect(layouts).toBe(1);
    expect(readFileSync(join(first, 'pkg/sub/mod.py'), 'utf8')).toBe('x = 1\n');
    expect(statSync(join(root, 'code')).mode & 0o777).toBe(0o711);
    expect(statSync(join(first, 'pkg/sub')).mode & 0o777).toBe(0o755);
    expect(statSync(join(first, 'main.py')).mode & 0o777).toBe(0o644);
    expect(readdirSync(join(root, 'code'))).toEqual([HASH]);

    await trees.ensure(HASH, files);
    expect(layouts).toBe(1);
    rmSync(first, { recursive: true });
    await trees.ensure(HASH, files);
    expect(layouts).toBe(2);
  });

  it('refuses anything but a sha256 as the folder name', () => {
    expect(() => trees.ensure('../escape', files)).toThrow(/Not a code hash/);
  });
});
