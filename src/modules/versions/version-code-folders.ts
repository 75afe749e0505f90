import { Injectable } from '@nestjs/common';
import { readCodeArchive } from '@/modules/runtimes/code/code-archive.js';
import { CodeTrees } from '@/modules/runtimes/code/code-trees.js';
import { isArchiveFormat } from '@/modules/runtimes/code/code-format.js';
import type { FunctionVersionRecord, VersionSecrets } from './version.record.js';

/** Where an archive version's files are on this machine (laid out from its sealed archive when missing). */
@Injectable()
export class VersionCodeFolders {
  constructor(private readonly trees: CodeTrees) {}

  /** The host folder of the version's files; null for one source file. */
  async directoryOf(record: Pick<FunctionVersionRecord, 'codeFormat' | 'codeHash'>, secrets: VersionSecrets): Promise<string | null> {
    const format = record.codeFormat;
    if (!isArchiveFormat(format) || secrets.archive === undefined) return null;
    return this.trees.ensure(record.codeHash, () => readCodeArchive(format, Buffer.from(secrets.archive!, 'base64')));
  }
}
