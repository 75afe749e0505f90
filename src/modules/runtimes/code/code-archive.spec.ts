import { describe, expect, it } from 'vitest';
import { ValidationError } from '@/kernel/errors/domain-error.js';
import { makeTar, makeTgz, makeZip, tarHeader } from '../../../../test/support/code-archives.js';
import type { ArchiveLimits } from './archive-limits.js';
import { readCodeArchive } from './code-archive.js';
import type { CodeFiles } from './code-files.js';

const text = (files: CodeFiles) => Object.fromEntries([...files].map(([path, bytes]) => [path, bytes.toString('utf8')]));

function refusal(read: () => unknown): ValidationError {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toEqual([expect.objectContaining({ field: 'code' })]);
    return error as ValidationError;
  }
  throw new Error('the archive was accepted');
}

const project = [
  { name: 'index.js', content: "module.exports = require('./lib/util');" },
  { name: 'lib/', kind: 'directory' as const },
  { name: 'lib/util.js', content: 'exports.handler = () => 1;' },
  { name: 'node_modules/left-pad/index.js', content: 'ignored' },
  { name: 'pkg/__pycache__/mod.cpython-311.pyc', content: 'ignored' },
  { name: '.git/config', content: 'ignored' },
];
const expected = { 'index.js': "module.exports = require('./lib/util');", 'lib/util.js': 'exports.handler = () => 1;' };

describe('readCodeArchive', () => {
  it.each([
    ['zip', makeZip(project)],
    ['tar', makeTar(project)],
    ['tgz', makeTgz(project)],
  ] as const)('reads the files of a %s, without folders, node_modules/, __pycache__/ and .git/', (format, bytes) => {
    expect(text(readCodeArchive(format, bytes))).toEqual(expected);
  });

  it('reads long names from pax records, GNU long-name entries and the ustar prefix, and ./ and backslashes as plain separators', () => {
    const long = `${'deep/'.repeat(30)}module.js`;
    expect(text(readCodeArchive('tar', makeTar([{ name: long, content: 'pax' }])))).toEqual({ [long]: 'pax' });
    expect(text(readCodeArchive('tar', makeTar([{ name: long, content: 'gnu' }], { gnuLongNames: true })))).toEqual({ [long]: 'gnu' });
    const prefixed = tarHeader('mod.py', '0', 1, '');
    prefixed.write('pkg/sub', 345);
    fixChecksum(prefixed);
    const withPrefix = Buffer.concat([prefixed, Buffer.from('x'), Buffer.alloc(511), Buffer.alloc(1024)]);
    expect(text(readCodeArchive('tar', withPrefix))).toEqual({ 'pkg/sub/mod.py': 'x' });
    expect(text(readCodeArchive('zip', makeZip([{ name: './src\\app.ts', content: 'ts' }])))).toEqual({ 'src/app.ts': 'ts' });
  });

  it.each(['zip', 'tar', 'tgz'] as const)('refuses unsafe paths in a %s: absolute, drive letters and ..', (format) => {
    const make = format === 'zip' ? makeZip : format === 'tar' ? makeTar : makeTgz;
    expect(refusal(() => readCodeArchive(format, make([{ name: '/etc/passwd', content: 'x' }]))).message).toMatch(/absolute path/);
    expect(refusal(() => readCodeArchive(format, make([{ name: 'C:/x.js', content: 'x' }]))).message).toMatch(/absolute path/);
    expect(refusal(() => readCodeArchive(format, make([{ name: 'a/../../x.js', content: 'x' }]))).message).toMatch(/climbs out/);
    expect(refusal(() => readCodeArchive(format, make([{ name: 'a\\..\\x.js', content: 'x' }]))).message).toMatch(/climbs out/);
  });

  it('refuses links and devices', () => {
    expect(refusal(() => readCodeArchive('zip', makeZip([{ name: 'link.js', kind: 'symlink', target: '/etc/passwd' }]))).message).toMatch(
      /link.js is a symbolic link/,
    );
    expect(refusal(() => readCodeArchive('zip', makeZip([{ name: 'dev', kind: 'device' }]))).message).toMatch(/not a regular file/);
    expect(refusal(() => readCodeArchive('tar', makeTar([{ name: 'link.js', kind: 'symlink', target: '/etc/passwd' }]))).message).toMatch(/symbolic link/);
    expect(refusal(() => readCodeArchive('tgz', makeTgz([{ name: 'hard.js', kind: 'hardlink', target: 'index.js' }]))).message).toMatch(/hard link/);
    expect(refusal(() => readCodeArchive('tar', makeTar([{ name: 'tty', kind: 'device' }]))).message).toMatch(/not a regular file/);
  });

  it('refuses duplicate names and a name that is both a file and a folder', () => {
    const twice = [
      { name: 'a.js', content: '1' },
      { name: './a.js', content: '2' },
    ];
    expect(refusal(() => readCodeArchive('tar', makeTar(twice))).message).toMatch(/a.js appears twice/);
    const clash = [
      { name: 'lib', content: 'file' },
      { name: 'lib/x.js', content: 'x' },
    ];
    expect(refusal(() => readCodeArchive('zip', makeZip(clash))).message).toMatch(/lib is both a file and a folder/);
    expect(refusal(() => readCodeArchive('tar', makeTar([...clash].reverse()))).message).toMatch(/lib is both a file and a folder/);
  });

  it('refuses too many entries, a file over the per-file cap and files over the total cap, before unpacking them', () => {
    const limits: ArchiveLimits = { maxEntries: 3, maxFileBytes: 1000, maxTotalBytes: 1500 };
    const many = ['a', 'b', 'c', 'd'].map((name) => ({ name: `${name}.js`, content: '1' }));
    expect(refusal(() => readCodeArchive('zip', makeZip(many), limits)).message).toMatch(/more than 3 entries/);
    expect(refusal(() => readCodeArchive('tar', makeTar(many), limits)).message).toMatch(/more than 3 entries/);
    const big = [{ name: 'big.js', content: 'x'.repeat(1001) }];
    expect(refusal(() => readCodeArchive('zip', makeZip(big), limits)).message).toMatch(/big.js unpacks to 1001 bytes; one file may have at most 1000/);
    const total = [
      { name: 'a.js', content: 'x'.repeat(800) },
      { name: 'b.js', content: 'x'.repeat(800) },
    ];
    expect(refusal(() => readCodeArchive('tgz', makeTgz(total), limits)).message).toMatch(/unpack to more than 1500 bytes/);
  });

  it('stops a zip entry that inflates past the size its headers declare (a zip bomb), and a gzip stream past the cap', () => {
    const zip = makeZip([{ name: 'bomb.js', content: Buffer.alloc(1024 * 1024) }]);
    const directory = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(100, directory + 24);
    expect(refusal(() => readCodeArchive('zip', zip)).message).toMatch(/bomb.js unpacks to more than its declared 100 bytes/);

    const limits: ArchiveLimits = { maxEntries: 10, maxFileBytes: 1024, maxTotalBytes: 2048 };
    const gzipBomb = makeTgz([{ name: 'zeros.js', content: Buffer.alloc(4 * 1024 * 1024) }]);
    expect(gzipBomb.length).toBeLessThan(10_000);
    expect(refusal(() => readCodeArchive('tgz', gzipBomb, limits)).message).toMatch(/unpacks to more than/);
  });

  it('refuses damaged and empty archives', () => {
    expect(refusal(() => readCodeArchive('zip', Buffer.from('not a zip at all, just some text'))).message).toMatch(/not a zip archive/);
    expect(refusal(() => readCodeArchive('tgz', Buffer.from('plain'))).message).toMatch(/not gzip data/);
    const tar = makeTar([{ name: 'a.js', content: 'x' }]);
    tar[0] = 'b'.charCodeAt(0);
    expect(refusal(() => readCodeArchive('tar', tar)).message).toMatch(/checksum/);
    expect(refusal(() => readCodeArchive('zip', makeZip([{ name: 'node_modules/x/index.js', content: 'x' }]))).message).toMatch(/holds no files/);
    const zip = makeZip([{ name: 'a.js', content: 'some content here' }]);
    const directory = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(zip.readUInt32LE(directory + 16) ^ 1, directory + 16);
    expect(refusal(() => readCodeArchive('zip', zip)).message).toMatch(/does not match its declared size and checksum/);
  });
});

function fixChecksum(header: Buffer): void {
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
}
