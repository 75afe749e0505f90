import type { CodeFormat } from '@/modules/runtimes/code/code-format.js';
import type { EventFormat } from '@/modules/executor/execution.types.js';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { ConflictError } from '@/kernel/errors/domain-error.js';
import type { SealedBox } from '@/kernel/crypto/sealed-box.js';
import type { Language } from '@/modules/runtimes/runtime-catalog.js';
import { type BuildStatus, DEFAULT_ASYNC_POLICY, type FunctionVersionRecord } from '@/modules/versions/version.record.js';
import { VersionRepository } from '@/modules/versions/version.repository.js';
import type { VersionContract } from '@/modules/contracts/contract.record.js';
import { FUNCTION_VERSION_MODEL, type MongoFunctionVersion } from './function-version.mongo-schema.js';
import { duplicateKeyFields, isDuplicateKeyError, toBuffer } from './mongo.utils.js';

@Injectable()
export class MongoVersionRepository extends VersionRepository implements OnModuleInit {
  constructor(@InjectModel(FUNCTION_VERSION_MODEL) private readonly model: Model<MongoFunctionVersion>) {
    super();
  }

  /** Start-up waits for the indexes: version uniqueness depends on them. */
  async onModuleInit(): Promise<void> {
    await this.model.createIndexes();
  }

  async insert(record: FunctionVersionRecord): Promise<void> {
    try {
      await this.model.create(toDocument(record));
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      throw new ConflictError(conflictMessage(duplicateKeyFields(error), record));
    }
  }

  async findById(id: string): Promise<FunctionVersionRecord | null> {
    const document = await this.model.findOne({ _id: id }).lean<MongoFunctionVersion>().exec();
    return document ? toRecord(document) : null;
  }

  async findByIds(ids: readonly string[]): Promise<FunctionVersionRecord[]> {
    if (ids.length === 0) return [];
    const documents = await this.model
      .find({ _id: { $in: [...new Set(ids)] } })
      .lean<MongoFunctionVersion[]>()
      .exec();
    return documents.map(toRecord);
  }

  async findByVersion(functionId: string, version: string): Promise<FunctionVersionRecord | null> {
    const document = await this.model.findOne({ functionId, version }).lean<MongoFunctionVersion>().exec();
    return document ? toRecord(document) : null;
  }

  async listByFunctionIds(functionIds: readonly string[]): Promise<FunctionVersionRecord[]> {
    if (functionIds.length === 0) return [];
    const documents = await this.model
      .find({ functionId: { $in: [...new Set(functionIds)] } })
      .sort({ functionId: 1, sequence: -1 })
      .lean<MongoFunctionVersion[]>()
      .exec();
    return documents.map(toRecord);
  }

  async findByBuildStatus(status: BuildStatus, limit: number): Promise<FunctionVersionRecord[]> {
    const documents = await this.model.find({ buildStatus: status }).sort({ createdAt: 1, _id: 1 }).limit(limit).lean<MongoFunctionVersion[]>().exec();
    return documents.map(toRecord);
  }

  async setBuildResult(id: string, status: BuildStatus, log: string): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { buildStatus: status, buildLog: log } }).exec();
  }

  async replaceSealed(id: string, sealed: SealedBox): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { sealed: toSealedDocument(sealed) } }).exec();
  }

  async listSealedKeyIds(): Promise<Array<{ id: string; keyId: string }>> {
    const documents = await this.model
      .find({}, { _id: 1, 'sealed.keyId': 1 })
      .sort({ _id: 1 })
      .lean<Array<Pick<MongoFunctionVersion, '_id'> & { sealed: { keyId: string } }>>()
      .exec();
    return documents.map((document) => ({ id: document._id, keyId: document.sealed.keyId }));
  }

  async remove(id: string): Promise<void> {
    await this.model.deleteOne({ _id: id }).exec();
  }
}

function conflictMessage(fields: string[] | undefined, record: FunctionVersionRecord): string {
  if (fields?.includes('_id')) return `Version ${record.id} already exists`;
  if (fields?.includes('version')) return `Function ${record.functionId} already has version ${record.version}`;
  if (fields?.includes('sequence')) return `Function ${record.functionId} already has a version with sequence ${record.sequence}`;
  // FerretDB does not say which index was violated.
  return `Function ${record.functionId} already has version ${record.version} or sequence ${record.sequence}`;
}

function toSealedDocument(sealed: SealedBox): MongoFunctionVersion['sealed'] {
  return { keyId: sealed.keyId, wrappedKey: sealed.wrappedKey, ciphertext: sealed.ciphertext };
}

function toAsyncPolicy(stored: MongoFunctionVersion['asyncPolicy']): FunctionVersionRecord['asyncPolicy'] {
  if (!stored) return { ...DEFAULT_ASYNC_POLICY };
  return {
    maxAttempts: stored.maxAttempts,
    retryBackoffSeconds: stored.retryBackoffSeconds,
    maxEventAgeSeconds: stored.maxEventAgeSeconds ?? null,
    onSuccess: stored.onSuccess ?? null,
    onFailure: stored.onFailure ?? null,
  };
}

function toDocument(record: FunctionVersionRecord): MongoFunctionVersion {
  return {
    _id: record.id,
    functionId: record.functionId,
    sequence: record.sequence,
    version: record.version,
    language: record.language,
    runtime: record.runtime,
    codeHash: record.codeHash,
    codeSizeBytes: record.codeSizeBytes,
    codeFormat: record.codeFormat,
    handler: record.handler,
    dependencies: Object.entries(record.dependencies).map(([name, range]) => ({ name, range })),
    timeoutSeconds: record.timeoutSeconds,
    memoryLimitMb: record.memoryLimitMb,
    minInstances: record.minInstances,
    maxInstances: record.maxInstances,
    concurrency: record.concurrency,
    asyncPolicy: { ...record.asyncPolicy },
    eventFormat: record.eventFormat,
    network: { enabled: record.network.enabled, allow: [...record.network.allow] },
    environmentVariableNames: [...record.environmentVariableNames],
    contract: record.contract === null ? null : JSON.stringify(record.contract),
    sealed: toSealedDocument(record.sealed),
    buildStatus: record.buildStatus,
    buildLog: record.buildLog,
    author: record.author,
    createdAt: record.createdAt,
  };
}

function toRecord(document: MongoFunctionVersion): FunctionVersionRecord {
  const dependencies: Record<string, string> = {};
  for (const { name, range } of document.dependencies ?? []) dependencies[name] = range;
  return {
    id: document._id,
    functionId: document.functionId,
    sequence: document.sequence,
    version: document.version,
    language: document.language as Language,
    runtime: document.runtime,
    codeHash: document.codeHash,
    codeSizeBytes: document.codeSizeBytes,
    codeFormat: (document.codeFormat ?? 'source') as CodeFormat,
    handler: document.handler ?? null,
    dependencies,
    timeoutSeconds: document.timeoutSeconds,
    memoryLimitMb: document.memoryLimitMb,
    minInstances: document.minInstances ?? 0,
    maxInstances: document.maxInstances ?? null,
    concurrency: document.concurrency ?? 1,
    asyncPolicy: toAsyncPolicy(document.asyncPolicy),
    eventFormat: (document.eventFormat ?? 'native') as EventFormat,
    network: { enabled: document.network?.enabled ?? false, allow: [...(document.network?.allow ?? [])] },
    environmentVariableNames: document.environmentVariableNames ?? [],
    contract: typeof document.contract === 'string' ? (JSON.parse(document.contract) as VersionContract) : null,
    sealed: {
      keyId: document.sealed.keyId,
      wrappedKey: toBuffer(document.sealed.wrappedKey),
      ciphertext: toBuffer(document.sealed.ciphertext),
    },
    buildStatus: document.buildStatus as BuildStatus,
    buildLog: document.buildLog ?? '',
    author: document.author ?? null,
    createdAt: document.createdAt,
  };
}
