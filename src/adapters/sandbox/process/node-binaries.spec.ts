import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultNodeCandidates, nodeBinariesByMajor } from './node-binaries.js';

describe('Node.js binaries by major', () => {
  let dir: string;
  const file = (...path: string[]) => {
    const full = join(dir, ...path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, '');
    return full;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fngraph-node-binaries-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the first binary of each major, skipping missing ones, ones that do not run and links to one already seen', () => {
    const versions: Record<string, string | null> = {
      [file('a', 'node')]: 'v24.1.0',
      [file('b', 'node')]: 'v24.9.0',
      [file('c', 'node')]: 'v22.3.0',
      [file('broken', 'node')]: null,
    };
    symlinkSync(join(dir, 'c', 'node'), join(dir, 'link-to-c'));
    const asked: string[] = [];
    const byMajor = nodeBinariesByMajor(
      [join(dir, 'missing'), join(dir, 'broken', 'node'), join(dir, 'a', 'node'), join(dir, 'link-to-c'), join(dir, 'b', 'node'), join(dir, 'c', 'node')],
      (binary) => {
        asked.push(binary);
        return versions[binary] ?? null;
      },
    );
    expect(byMajor).toEqual(
      new Map([
        [24, join(dir, 'a', 'node')],
        [22, join(dir, 'c', 'node')],
      ]),
    );
    expect(asked).toEqual([join(dir, 'broken', 'node'), join(dir, 'a', 'node'), join(dir, 'c', 'node'), join(dir, 'b', 'node')]);
  });

  it('looks at the configured binary, then the installed majors newest first, then the system node', () => {
    file('.fngraph', 'node', '22', 'bin', 'node');
    file('.fngraph', 'node', '24', 'bin', 'node');
    mkdirSync(join(dir, '.fngraph', 'node', '.install-26.x'));
    const candidates = defaultNodeCandidates('/opt/node/bin/node', dir);
    expect(candidates.slice(0, 3)).toEqual([
      '/opt/node/bin/node',
      join(dir, '.fngraph', 'node', '24', 'bin', 'node'),
      join(dir, '.fngraph', 'node', '22', 'bin', 'node'),
    ]);
    expect(candidates.length).toBeLessThanOrEqual(4);
  });
});
