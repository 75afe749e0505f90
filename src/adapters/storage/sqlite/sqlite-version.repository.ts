import type { CodeFormat } from '@/modules/runtimes/code/code-format.js';
import type { EventFormat } from '@/modules/executor/execution.types.js';
import { Injectable } from '@nestjs/common';
import { ConflictError } from '@/kernel/errors/domain-error.js';
import type { SealedBox } from '@/kernel/crypto/sealed-box.js';
import type { Language } from '@/modules/runtimes/runtime-catalog.js';
import { type AsyncPolicy, type BuildStatus, DEFAULT_ASYNC_POLICY, type FunctionVersionRecord } from '@/modules/versions/version.record.js';
import { VersionRepository } from '@/modules/versions/version.repository.js';
import { NETWORK_OFF, type NetworkConfig } from '@/modules/egress/network-config.js';
import type { VersionContract } from '@/modules/contracts/contract.record.js';
import { SqliteDatabase, toSqlDate, toSqlIdList, uniqueViolation } from './sqlite-database.js';

interface VersionRow {
  id: string;
  function_id: string;
  sequence: number;
  version: string;
  language: string;
  runtime: string;
  code_hash: string;
  code_size_bytes: number;
  code_format: string;
  handler: string | null;
  dependencies: string;
  timeout_seconds: number;
  memory_limit_mb: number;
  min_instances: number;
  max_instances: number | null;
  concurrency: number;
  /** JSON of the AsyncPolicy; NULL in rows written before it existed. */
  async_policy: string | null;
  event_format: string;
  /** JSON of the NetworkConfig; NULL in rows written before it existed (off). */
  network: string | null;
  environment_variable_names: string;
  /** JSON of the VersionContract; NULL when none was declared (and in rows written before contracts existed). */
  contract: string | null;
  sealed_key_id: string;
  sealed_wrapped_key: Buffer;
  sealed_ciphertext: Buffer;
  build_status: string;
  build_log: string;
  author: string | null;
  created_at: number;
}

@Injectable()
export class SqliteVersionRepository extends VersionRepository {
  constructor(private readonly db: SqliteDatabase) {
    super();
  }

  async insert(record: FunctionVersionRecord): Promise<void> {
    const row = toRow(record);
    try {
      this.db
        .statement(
          `INSERT INTO function_versions (id, function_id, sequence, version, language, runtime, code_hash, code_size_bytes,
             dependencies, timeout_seconds, memory_limit_mb, min_instances, max_instances, async_policy, event_format, network,
             environment_variable_names,
             sealed_key_id, sealed_wrapped_key, sealed_ciphertext, build_status, build_log, author, created_at, code_format, handler, contract, concurrency)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          row.id,
          row.function_id,
          row.sequence,
          row.version,
          row.language,
          row.runtime,
          row.code_hash,
          row.code_size_bytes,
          row.dependencies,
          row.timeout_seconds,
          row.memory_limit_mb,
          row.min_instances,
          row.max_instances,
          row.async_policy,
          row.event_format,
          row.network,
          row.environment_variable_names,
          row.sealed_key_id,
          row.sealed_wrapped_key,
          row.sealed_ciphertext,
          row.build_status,
          row.build_log,
          row.author,
          row.created_at,
          row.code_format,
          row.handler,
          row.contract,
          row.concurrency,
        );
    } catch (error) {
      const constraint = uniqueViolation(error);
      if (constraint === undefined) throw error;
      throw new ConflictError(conflictMessage(constraint, record));
    }
  }

  async findById(id: string): Promise<FunctionVersionRecord | null> {
    const row = this.db.statement<VersionRow>('SELECT * FROM function_versions WHERE id = ?').get(id);
    return row ? toRecord(row) : null;
  }

  async findByIds(ids: readonly string[]): Promise<FunctionVersionRecord[]> {
    if (ids.length === 0) return [];
    return this.db.statement<VersionRow>('SELECT * FROM function_versions WHERE id IN (SELECT value FROM json_each(?))').all(toSqlIdList(ids)).map(toRecord);
  }

  async findByVersion(functionId: string, version: string): Promise<FunctionVersionRecord | null> {
    const row = this.db.statement<VersionRow>('SELECT * FROM function_versions WHERE function_id = ? AND version = ?').get(functionId, version);
    return row ? toRecord(row) : null;
  }

  async listByFunctionIds(functionIds: readonly string[]): Promise<FunctionVersionRecord[]> {
    if (functionIds.length === 0) return [];
    return this.db
      .statement<VersionRow>(
        `SELECT * FROM function_versions WHERE function_id IN (SELECT value FROM json_each(?))
          ORDER BY function_id, sequence DESC`,
      )
      .all(toSqlIdList(functionIds))
      .map(toRecord);
  }

  async findByBuildStatus(status: BuildStatus, limit: number): Promise<FunctionVersionRecord[]> {
    return this.db
      .statement<VersionRow>('SELECT * FROM function_versions WHERE build_status = ? ORDER BY created_at, id LIMIT ?')
      .all(status, limit)
      .map(toRecord);
  }

  async setBuildResult(id: string, status: BuildStatus, log: string): Promise<void> {
    this.db.statement('UPDATE function_versions SET build_status = ?, build_log = ? WHERE id = ?').run(status, log, id);
  }

  async replaceSealed(id: string, sealed: SealedBox): Promise<void> {
    this.db
      .statement('UPDATE function_versions SET sealed_key_id = ?, sealed_wrapped_key = ?, sealed_ciphertext = ? WHERE id = ?')
      .run(sealed.keyId, sealed.wrappedKey, sealed.ciphertext, id);
  }

  async listSealedKeyIds(): Promise<Array<{ id: string; keyId: string }>> {
    return this.db.statement<{ id: string; keyId: string }>('SELECT id, sealed_key_id AS keyId FROM function_versions ORDER BY id').all();
  }

  async remove(id: string): Promise<void> {
    this.db.statement('DELETE FROM function_versions WHERE id = ?').run(id);
  }
}

function conflictMessage(constraint: string, record: FunctionVersionRecord): string {
  if (constraint.endsWith('.version')) return `Function ${record.functionId} already has version ${record.version}`;
  if (constraint.endsWith('.sequence')) return `Function ${record.functionId} already has a version with sequence ${record.sequence}`;
  return `Version ${record.id} already exists`;
}

function toRow(record: FunctionVersionRecord): VersionRow {
  return {
    id: record.id,
    function_id: record.functionId,
    sequence: record.sequence,
    version: record.version,
    language: record.language,
    runtime: record.runtime,
    code_hash: record.codeHash,
    code_size_bytes: record.codeSizeBytes,
    code_format: record.codeFormat,
    handler: record.handler,
    dependencies: JSON.stringify(record.dependencies),
    timeout_seconds: record.timeoutSeconds,
    memory_limit_mb: record.memoryLimitMb,
    min_instances: record.minInstances,
    max_instances: record.maxInstances,
    concurrency: record.concurrency,
    async_policy: JSON.stringify(record.asyncPolicy),
    event_format: record.eventFormat,
    network: JSON.stringify(record.network),
    environment_variable_names: JSON.stringify(record.environmentVariableNames),
    contract: record.contract === null ? null : JSON.stringify(record.contract),
    sealed_key_id: record.sealed.keyId,
    sealed_wrapped_key: record.sealed.wrappedKey,
    sealed_ciphertext: record.sealed.ciphertext,
    build_status: record.buildStatus,
    build_log: record.buildLog,
    author: record.author,
    created_at: toSqlDate(record.createdAt),
  };
}

function toRecord(row: VersionRow): FunctionVersionRecord {
  return {
    id: row.id,
    functionId: row.function_id,
    sequence: row.sequence,
    version: row.version,
    language: row.language as Language,
    runtime: row.runtime,
    codeHash: row.code_hash,
    codeSizeBytes: row.code_size_bytes,
    codeFormat: (row.code_format ?? 'source') as CodeFormat,
    handler: row.handler ?? null,
    dependencies: JSON.parse(row.dependencies) as Record<string, string>,
    timeoutSeconds: row.timeout_seconds,
    memoryLimitMb: row.memory_limit_mb,
    minInstances: row.min_instances,
    maxInstances: row.max_instances,
    concurrency: row.concurrency ?? 1,
    asyncPolicy:
      row.async_policy === null ? { ...DEFAULT_ASYNC_POLICY } : { ...DEFAULT_ASYNC_POLICY, ...(JSON.parse(row.async_policy) as Partial<AsyncPolicy>) },
    eventFormat: row.event_format as EventFormat,
    network: row.network === null ? { ...NETWORK_OFF, allow: [] } : (JSON.parse(row.network) as NetworkConfig),
    environmentVariableNames: JSON.parse(row.environment_variable_names) as string[],
    contract: row.contract === null || row.contract === undefined ? null : (JSON.parse(row.contract) as VersionContract),
    sealed: { keyId: row.sealed_key_id, wrappedKey: row.sealed_wrapped_key, ciphertext: row.sealed_ciphertext },
    buildStatus: row.build_status as BuildStatus,
    buildLog: row.build_log,
    author: row.author,
    createdAt: new Date(row.created_at),
  };
}
