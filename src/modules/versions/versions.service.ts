import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@/kernel/errors/domain-error.js';
import { newId } from '@/kernel/ids/new-id.js';
import { EnvelopeCipher } from '@/kernel/crypto/envelope-cipher.js';
import { ArtifactBuilder } from '@/modules/runtimes/artifact-builder.js';
import { isArchiveFormat } from '@/modules/runtimes/code/code-format.js';
import { CodeTrees } from '@/modules/runtimes/code/code-trees.js';
import { runtimeNotice } from '@/modules/runtimes/runtime-catalog.js';
import { initialBuildStatus } from './version-build.service.js';
import type { VersionDraft } from './version-draft.js';
import type { FunctionVersionRecord, VersionSecrets } from './version.record.js';
import { VersionRepository } from './version.repository.js';
import { VersionCodeFolders } from './version-code-folders.js';
import { VersionLoadCheck } from './version-load-check.js';
import { openVersionSecrets } from './version-secrets.js';

/** Creates immutable versions (build + seal) and reads them back. */
@Injectable()
export class VersionsService {
  constructor(
    private readonly versions: VersionRepository,
    private readonly cipher: EnvelopeCipher,
    private readonly builder: ArtifactBuilder,
    private readonly trees: CodeTrees,
    private readonly folders: VersionCodeFolders,
    private readonly loadCheck: VersionLoadCheck,
  ) {}

  /**
   * Builds and seals a draft into a version record, before anything is stored: code
   * that does not compile (or an archive that is refused) is rejected with nothing
   * written. A version without dependencies is loaded in a sandbox now (its export
   * check): one that does not load is FAILED, with the reason in its build log. The
   * caller inserts it.
   */
  async prepare(functionId: string, sequence: number, version: string, draft: VersionDraft): Promise<FunctionVersionRecord> {
    const built = await this.builder.build({
      language: draft.language,
      runtime: draft.runtime,
      format: draft.codeFormat,
      code: draft.code,
      handler: draft.handler,
    });
    const archive = isArchiveFormat(draft.codeFormat);
    const secrets: VersionSecrets = {
      source: archive ? '' : draft.code.toString('utf8'),
      ...(archive ? { archive: draft.code.toString('base64') } : {}),
      artifact: built.artifact,
      entry: built.entry,
      entryFile: built.entryFile,
      environmentVariables: draft.environmentVariables,
      secretVariableNames: [...draft.secretVariableNames].sort(),
    };
    const codeHash = createHash('sha256').update(draft.code).digest('hex');
    if (built.files) await this.trees.ensure(codeHash, () => built.files!);
    const record: FunctionVersionRecord = {
      id: newId(),
      functionId,
      sequence,
      version,
      language: draft.language,
      runtime: draft.runtime,
      codeHash,
      codeSizeBytes: draft.code.length,
      codeFormat: draft.codeFormat,
      handler: draft.handler,
      dependencies: draft.dependencies,
      timeoutSeconds: draft.timeoutSeconds,
      memoryLimitMb: draft.memoryLimitMb,
      minInstances: draft.minInstances,
      maxInstances: draft.maxInstances,
      concurrency: draft.concurrency,
      eventFormat: draft.eventFormat,
      asyncPolicy: { ...draft.asyncPolicy },
      network: { enabled: draft.network.enabled, allow: [...draft.network.allow] },
      environmentVariableNames: Object.keys(draft.environmentVariables).sort(),
      contract: draft.contract,
      sealed: this.cipher.seal(Buffer.from(JSON.stringify(secrets))),
      // Dependencies are installed in the background (VersionBuildService), after the insert.
      buildStatus: initialBuildStatus(draft.dependencies),
      buildLog: runtimeNotice(draft.runtime),
      author: draft.author,
      createdAt: new Date(),
    };
    // With dependencies, the check runs after they are installed (VersionBuildService).
    if (record.buildStatus === 'READY') {
      const failure = await this.loadCheck.failureOf(record, secrets, null);
      if (failure !== null) Object.assign(record, { buildStatus: 'FAILED', buildLog: [record.buildLog, failure].filter(Boolean).join('\n') });
    }
    return record;
  }

  /** Where an archive version's files are on this machine (null for one source file). */
  codeDirectory(record: FunctionVersionRecord, secrets: VersionSecrets): Promise<string | null> {
    return this.folders.directoryOf(record, secrets);
  }

  insert(record: FunctionVersionRecord): Promise<void> {
    return this.versions.insert(record);
  }

  remove(id: string): Promise<void> {
    return this.versions.remove(id);
  }

  openSecrets(record: FunctionVersionRecord): VersionSecrets {
    return openVersionSecrets(this.cipher, record.sealed);
  }

  /** Every variable of a version, by name; values only when `reveal` and not secret. */
  environmentOf(record: FunctionVersionRecord, reveal: boolean): Array<{ name: string; secret: boolean; value: string | null }> {
    if (record.environmentVariableNames.length === 0) return [];
    const secrets = this.openSecrets(record);
    const secret = new Set(secrets.secretVariableNames ?? []);
    return Object.keys(secrets.environmentVariables)
      .sort()
      .map((name) => ({
        name,
        secret: secret.has(name),
        value: reveal && !secret.has(name) ? (secrets.environmentVariables[name] ?? null) : null,
      }));
  }

  async getById(id: string): Promise<FunctionVersionRecord> {
    const record = await this.versions.findById(id);
    if (!record) throw new NotFoundError('Version', id);
    return record;
  }

  async getByVersion(functionId: string, version: string): Promise<FunctionVersionRecord> {
    const record = await this.versions.findByVersion(functionId, version);
    if (!record) throw new NotFoundError('Version', version);
    return record;
  }

  findByVersion(functionId: string, version: string): Promise<FunctionVersionRecord | null> {
    return this.versions.findByVersion(functionId, version);
  }

  findByIds(ids: readonly string[]): Promise<FunctionVersionRecord[]> {
    return this.versions.findByIds(ids);
  }

  listByFunctionIds(functionIds: readonly string[]): Promise<FunctionVersionRecord[]> {
    return this.versions.listByFunctionIds(functionIds);
  }
}
