import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@/kernel/errors/domain-error.js';
import { newId } from '@/kernel/ids/new-id.js';
import { EnvelopeCipher } from '@/kernel/crypto/envelope-cipher.js';
import { ArtifactBuilder } from '@/modules/runtimes/artifact-builder.js';
import { runtimeNotice } from '@/modules/runtimes/runtime-catalog.js';
import { initialBuildStatus } from './version-build.service.js';
import type { VersionDraft } from './version-draft.js';
import type { FunctionVersionRecord, VersionSecrets } from './version.record.js';
import { VersionRepository } from './version.repository.js';

/** Creates immutable versions (build + seal) and reads them back. */
@Injectable()
export class VersionsService {
  constructor(
    private readonly versions: VersionRepository,
    private readonly cipher: EnvelopeCipher,
    private readonly builder: ArtifactBuilder,
  ) {}

  /**
   * Builds and seals a draft into a version record, before anything is stored: code
   * that does not compile is rejected with nothing written. The caller inserts it.
   */
  async prepare(functionId: string, sequence: number, version: string, draft: VersionDraft): Promise<FunctionVersionRecord> {
    const artifact = await this.builder.build(draft.language, draft.source, draft.runtime);
    const secrets: VersionSecrets = {
      source: draft.source,
      artifact,
      environmentVariables: draft.environmentVariables,
      secretVariableNames: [...draft.secretVariableNames].sort(),
    };
    return {
      id: newId(),
      functionId,
      sequence,
      version,
      language: draft.language,
      runtime: draft.runtime,
      codeHash: createHash('sha256').update(draft.source).digest('hex'),
      codeSizeBytes: Buffer.byteLength(draft.source),
      dependencies: draft.dependencies,
      timeoutSeconds: draft.timeoutSeconds,
      memoryLimitMb: draft.memoryLimitMb,
      minInstances: draft.minInstances,
      maxInstances: draft.maxInstances,
      eventFormat: draft.eventFormat,
      asyncPolicy: { ...draft.asyncPolicy },
      network: { enabled: draft.network.enabled, allow: [...draft.network.allow] },
      environmentVariableNames: Object.keys(draft.environmentVariables).sort(),
      sealed: this.cipher.seal(Buffer.from(JSON.stringify(secrets))),
      // Dependencies are installed in the background (VersionBuildService), after the insert.
      buildStatus: initialBuildStatus(draft.dependencies),
      buildLog: runtimeNotice(draft.runtime),
      author: draft.author,
      createdAt: new Date(),
    };
  }

  insert(record: FunctionVersionRecord): Promise<void> {
    return this.versions.insert(record);
  }

  remove(id: string): Promise<void> {
    return this.versions.remove(id);
  }

  openSecrets(record: FunctionVersionRecord): VersionSecrets {
    return JSON.parse(this.cipher.open(record.sealed).toString()) as VersionSecrets;
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
