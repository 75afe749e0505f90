import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleFiles } from './console-files.js';

describe('ConsoleFiles', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  function build(dir: string, script: string, writtenAt: Date): void {
    rmSync(join(dir, 'assets'), { recursive: true, force: true });
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'assets', script), 'console.log(1)');
    writeFileSync(join(dir, 'assets', 'notes.txt'), 'not served');
    writeFileSync(join(dir, 'index.html'), `<script src="/console/${script}"></script>`);
    utimesSync(join(dir, 'index.html'), writtenAt, writtenAt);
  }

  function consoleDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'fngraph-console-'));
    dirs.push(dir);
    return dir;
  }

  it('serves nothing when the console was not built', () => {
    const files = new ConsoleFiles(join(consoleDir(), 'missing'));
    expect(files.index()).toBeNull();
    expect(files.asset('console-AAAAAAAA.js')).toBeUndefined();
  });

  it('serves the built files by name only: hashed ones immutable, unknown types and paths never', () => {
    const dir = consoleDir();
    build(dir, 'console-ABCDEF12.js', new Date(1_000_000));
    const files = new ConsoleFiles(dir);
    expect(files.index()?.body.toString()).toContain('console-ABCDEF12.js');
    expect(files.asset('console-ABCDEF12.js')).toMatchObject({ contentType: 'text/javascript; charset=utf-8', immutable: true });
    for (const name of ['notes.txt', '../index.html', 'index.html', '']) expect(files.asset(name), name).toBeUndefined();
  });

  it('takes a new build on the next page load (console:watch), dropping the old files', () => {
    const dir = consoleDir();
    build(dir, 'console-AAAAAAAA.js', new Date(1_000_000));
    const files = new ConsoleFiles(dir);
    files.index();
    build(dir, 'console-BBBBBBBB.js', new Date(2_000_000));
    expect(files.asset('console-AAAAAAAA.js')).toBeDefined();
    expect(files.index()?.body.toString()).toContain('console-BBBBBBBB.js');
    expect(files.asset('console-BBBBBBBB.js')).toBeDefined();
    expect(files.asset('console-AAAAAAAA.js')).toBeUndefined();
  });
});
