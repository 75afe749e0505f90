import { crc32, inflateRawSync } from 'node:zlib';
import type { ArchiveLimits } from './archive-limits.js';
import { archiveError } from './archive-error.js';
import { type CodeFiles, CodeFilesCollector } from './code-files.js';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const MADE_ON_UNIX = 3;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/**
 * Reads a zip archive from its central directory, the listing unzip tools trust. Only
 * plain files and folders are accepted (stored or deflated, not encrypted, not zip64):
 * symbolic links and devices (unix modes), and everything the collector refuses, refuse
 * the archive. Each file is inflated by zlib with its output capped at its declared size
 * (a lying header cannot make it grow: a zip bomb stops there) and its CRC-32 checked.
 * fflate, used by the CLI to make archives, has no such cap on its synchronous API.
 */
export function readZip(bytes: Buffer, limits: ArchiveLimits): CodeFiles {
  const refuse = (reason: string) => archiveError('zip', reason);
  const files = new CodeFilesCollector(limits, refuse);
  const end = findEndOfCentralDirectory(bytes);
  if (end < 0) throw refuse('it is not a zip archive (no end of central directory)');
  const count = bytes.readUInt16LE(end + 10);
  const directorySize = bytes.readUInt32LE(end + 12);
  let offset = bytes.readUInt32LE(end + 16);
  if (count === 0xffff || offset === 0xffffffff || directorySize === 0xffffffff) throw refuse('zip64 archives are not supported');
  if (offset + directorySize > end) throw refuse('its central directory lies outside the archive');
  for (let i = 0; i < count; i++) {
    files.countEntry();
    if (offset + 46 > bytes.length || bytes.readUInt32LE(offset) !== CENTRAL_FILE_HEADER) throw refuse('its central directory is damaged');
    const madeBy = bytes.readUInt16LE(offset + 4) >> 8;
    const flags = bytes.readUInt16LE(offset + 8);
    const method = bytes.readUInt16LE(offset + 10);
    const crc = bytes.readUInt32LE(offset + 16);
    const compressedSize = bytes.readUInt32LE(offset + 20);
    const size = bytes.readUInt32LE(offset + 24);
    const nameLength = bytes.readUInt16LE(offset + 28);
    const extraLength = bytes.readUInt16LE(offset + 30);
    const commentLength = bytes.readUInt16LE(offset + 32);
    const mode = bytes.readUInt32LE(offset + 38) >>> 16;
    const localOffset = bytes.readUInt32LE(offset + 42);
    if (offset + 46 + nameLength > bytes.length) throw refuse('its central directory is damaged');
    // Bit 11: the name is UTF-8; otherwise CP437, whose ASCII range is all a safe path uses.
    const name = bytes.toString(flags & 0x800 ? 'utf8' : 'latin1', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;

    const type = madeBy === MADE_ON_UNIX ? mode & S_IFMT : 0;
    if (type === S_IFLNK) throw refuse(`${name} is a symbolic link`);
    if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) throw refuse(`${name} is not a regular file or folder`);
    if (type === S_IFDIR || name.endsWith('/')) continue;
    if (flags & 0x1) throw refuse(`${name} is encrypted`);
    if (method !== 0 && method !== 8) throw refuse(`${name} uses compression method ${method} (only stored and deflate are supported)`);
    if (size === 0xffffffff || compressedSize === 0xffffffff) throw refuse('zip64 archives are not supported');

    const path = files.accept(name, size);
    if (path === null) continue;
    const data = entryData(bytes, localOffset, compressedSize, refuse, name);
    const content = method === 0 ? Buffer.from(data) : inflate(data, size, refuse, name);
    if (content.length !== size || crc32(content) !== crc) throw refuse(`${name} does not match its declared size and checksum`);
    files.add(path, content);
  }
  return files.result();
}

function findEndOfCentralDirectory(bytes: Buffer): number {
  // The record is 22 bytes plus a comment of up to 65535.
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let at = bytes.length - 22; at >= lowest; at--) {
    if (bytes.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) return at;
  }
  return -1;
}

function entryData(bytes: Buffer, localOffset: number, compressedSize: number, refuse: (reason: string) => Error, name: string): Buffer {
  if (localOffset + 30 > bytes.length || bytes.readUInt32LE(localOffset) !== LOCAL_FILE_HEADER) throw refuse(`the local header of ${name} is damaged`);
  const start = localOffset + 30 + bytes.readUInt16LE(localOffset + 26) + bytes.readUInt16LE(localOffset + 28);
  if (start + compressedSize > bytes.length) throw refuse(`the data of ${name} lies outside the archive`);
  return bytes.subarray(start, start + compressedSize);
}

function inflate(data: Buffer, size: number, refuse: (reason: string) => Error, name: string): Buffer {
  if (size === 0) return Buffer.alloc(0);
  try {
    return inflateRawSync(data, { maxOutputLength: size });
  } catch (error) {
    if (error instanceof RangeError) throw refuse(`${name} unpacks to more than its declared ${size} bytes`);
    throw refuse(`${name} cannot be inflated: ${(error as Error).message}`);
  }
}
