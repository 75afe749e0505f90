import { gunzipSync } from 'node:zlib';
import type { ArchiveLimits } from './archive-limits.js';
import { archiveError } from './archive-error.js';
import { type CodeFiles, CodeFilesCollector } from './code-files.js';

const BLOCK = 512;
/** pax and GNU long-name records are metadata: a few KiB at most in any real archive. */
const MAX_METADATA_BYTES = 64 * 1024;

/**
 * Reads a ustar archive with pax (`x`, `g`) and GNU (`L`, `K`) extended names. Regular
 * files and folders are taken; links, devices and FIFOs refuse the archive, as does
 * everything the collector refuses. Header checksums are verified; a file's size is
 * checked against the limits before its bytes are copied.
 */
export function readTar(bytes: Buffer, limits: ArchiveLimits, format: 'tar' | 'tgz' = 'tar'): CodeFiles {
  const refuse = (reason: string) => archiveError(format, reason);
  const files = new CodeFilesCollector(limits, refuse);
  let offset = 0;
  let longName: string | null = null;
  let paxPath: string | null = null;
  let paxSize: number | null = null;
  let sawEnd = false;
  while (offset + BLOCK <= bytes.length) {
    const header = bytes.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) {
      sawEnd = true;
      break;
    }
    if (!checksumMatches(header)) throw refuse(`the header at byte ${offset} is damaged (checksum mismatch)`);
    files.countEntry();
    const type = String.fromCharCode(header[156]!);
    const metadata = type === 'x' || type === 'g' || type === 'L' || type === 'K';
    const ownSize = octal(header, 124, 12, refuse);
    const size = metadata ? ownSize : (paxSize ?? ownSize);
    const dataStart = offset + BLOCK;
    if (dataStart + size > bytes.length) throw refuse(`an entry's data runs past the end of the archive`);
    const data = () => bytes.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;

    if (metadata) {
      if (size > MAX_METADATA_BYTES) throw refuse(`an extended header is larger than ${MAX_METADATA_BYTES} bytes`);
      if (type === 'x') ({ path: paxPath, size: paxSize } = paxRecords(data(), refuse));
      if (type === 'L') longName = cString(data(), 0, size);
      // `g` (global pax) and `K` (long link name) say nothing a kept file needs.
      continue;
    }
    const name = paxPath ?? longName ?? ustarName(header);
    longName = paxPath = paxSize = null;
    if (type === '5') continue;
    if (type === '1' || type === '2') throw refuse(`${name} is a ${type === '1' ? 'hard' : 'symbolic'} link`);
    if (type !== '0' && type !== '\0' && type !== '7') throw refuse(`${name} is not a regular file or folder (type ${JSON.stringify(type)})`);
    if (name.endsWith('/')) continue;
    const path = files.accept(name, size);
    if (path !== null) files.add(path, Buffer.from(data()));
  }
  if (!sawEnd && offset < bytes.length) throw refuse('it ends inside a header');
  return files.result();
}

/** A gzip-compressed tar; the gunzipped size is capped before the tar is read. */
export function readTgz(bytes: Buffer, limits: ArchiveLimits): CodeFiles {
  // Headers and padding: up to two blocks per entry beyond the files' own bytes.
  const cap = limits.maxTotalBytes + (limits.maxEntries * 3 + 2) * BLOCK;
  let tar: Buffer;
  try {
    tar = gunzipSync(bytes, { maxOutputLength: cap });
  } catch (error) {
    if (error instanceof RangeError) throw archiveError('tgz', `it unpacks to more than ${cap} bytes`);
    throw archiveError('tgz', `it is not gzip data: ${(error as Error).message}`);
  }
  return readTar(tar, limits, 'tgz');
}

function ustarName(header: Buffer): string {
  const name = cString(header, 0, 100);
  const magic = header.toString('latin1', 257, 262);
  const prefix = magic === 'ustar' ? cString(header, 345, 155) : '';
  return prefix ? `${prefix}/${name}` : name;
}

function cString(buffer: Buffer, start: number, length: number): string {
  const field = buffer.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.toString('utf8', 0, end === -1 ? field.length : end);
}

function octal(header: Buffer, start: number, length: number, refuse: (reason: string) => Error): number {
  // Base-256 sizes (high bit set) only occur for files of 8 GiB and more.
  if (header[start]! & 0x80) throw refuse('an entry is too large');
  const text = cString(header, start, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw refuse(`a header has an invalid number ${JSON.stringify(text)}`);
  return parseInt(text, 8);
}

function checksumMatches(header: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  const stored = cString(header, 148, 8).trim();
  return /^[0-7]+$/.test(stored) && parseInt(stored, 8) === sum;
}

/** `<length> <key>=<value>\n` records; only `path` and `size` matter here. */
function paxRecords(data: Buffer, refuse: (reason: string) => Error): { path: string | null; size: number | null } {
  let path: string | null = null;
  let size: number | null = null;
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const length = space === -1 ? NaN : Number(data.toString('latin1', at, space));
    if (!Number.isInteger(length) || length <= 0 || at + length > data.length) throw refuse('a pax extended header is damaged');
    const record = data.toString('utf8', space + 1, at + length - 1);
    const equals = record.indexOf('=');
    const key = record.slice(0, equals);
    const value = record.slice(equals + 1);
    if (key === 'path') path = value;
    if (key === 'size') {
      if (!/^\d+$/.test(value)) throw refuse('a pax size is not a number');
      size = Number(value);
    }
    at += length;
  }
  return { path, size };
}
