import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './archive-limits.js';
import type { CodeFiles } from './code-files.js';
import type { CodeFormat } from './code-format.js';
import { readTar, readTgz } from './tar-reader.js';
import { readZip } from './zip-reader.js';

/** The files of a registered archive, checked (see the readers); throws a `ValidationError` on `code`. */
export function readCodeArchive(format: Exclude<CodeFormat, 'source'>, bytes: Buffer, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): CodeFiles {
  if (format === 'zip') return readZip(bytes, limits);
  if (format === 'tgz') return readTgz(bytes, limits);
  return readTar(bytes, limits);
}
