import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, QueryFilter } from 'mongoose';
import { ConflictError } from '@/kernel/errors/domain-error.js';
import type { PageRequest, PageResult } from '@/kernel/pagination/page.js';
import type { ApiKeyFilter, ApiKeyRecord } from '@/modules/auth/api-key.record.js';
import { ApiKeyRepository } from '@/modules/auth/api-key.repository.js';
import type { Role } from '@/kernel/identity/roles.js';
import { API_KEY_MODEL, type MongoApiKey } from './api-key.mongo-schema.js';
import { isDuplicateKeyError } from './mongo.utils.js';

@Injectable()
export class MongoApiKeyRepository extends ApiKeyRepository implements OnModuleInit {
  constructor(@InjectModel(API_KEY_MODEL) private readonly model: Model<MongoApiKey>) {
    super();
  }

  /** Start-up waits for the indexes: prefix uniqueness depends on them. */
  async onModuleInit(): Promise<void> {
    await this.model.createIndexes();
  }

  async insert(record: ApiKeyRecord): Promise<void> {
    try {
      await this.model.create(toDocument(record));
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      throw new ConflictError(`API key ${record.id} or prefix ${record.prefix} already exists`);
    }
  }

  async findById(id: string): Promise<ApiKeyRecord | null> {
    const document = await this.model.findOne({ _id: id }).lean<MongoApiKey>().exec();
    return document ? toRecord(document) : null;
  }

  async findByPrefix(prefix: string): Promise<ApiKeyRecord | null> {
    const document = await this.model.findOne({ prefix }).lean<MongoApiKey>().exec();
    return document ? toRecord(document) : null;
  }

  async list(filter: ApiKeyFilter, page: PageRequest): Promise<PageResult<ApiKeyRecord>> {
    const query: QueryFilter<MongoApiKey> = {};
    if (filter.ownerId !== undefined) query.ownerId = filter.ownerId;
    if (page.after !== undefined) query._id = { $lt: page.after };
    const documents = await this.model
      .find(query)
      .sort({ _id: -1 })
      .limit(page.first + 1)
      .lean<MongoApiKey[]>()
      .exec();
    return { items: documents.slice(0, page.first).map(toRecord), hasMore: documents.length > page.first };
  }

  async listMintedBy(id: string): Promise<ApiKeyRecord[]> {
    const documents = await this.model.find({ createdByKeyId: id }).sort({ _id: 1 }).lean<MongoApiKey[]>().exec();
    return documents.map(toRecord);
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const result = await this.model.updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: at } }).exec();
    return result.matchedCount === 1;
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { lastUsedAt: at } }).exec();
  }

  async any(): Promise<boolean> {
    return (await this.model.findOne({}, { _id: 1 }).lean().exec()) !== null;
  }
}

function toDocument(record: ApiKeyRecord): MongoApiKey {
  return {
    _id: record.id,
    prefix: record.prefix,
    name: record.name,
    ownerId: record.ownerId,
    roles: [...record.roles],
    secretHash: record.secretHash,
    createdAt: record.createdAt,
    createdBy: record.createdBy,
    createdByKeyId: record.createdByKeyId,
    expiresAt: record.expiresAt,
    revokedAt: record.revokedAt,
    lastUsedAt: record.lastUsedAt,
  };
}

function toRecord(document: MongoApiKey): ApiKeyRecord {
  return {
    id: document._id,
    prefix: document.prefix,
    name: document.name,
    ownerId: document.ownerId,
    roles: (document.roles ?? []) as Role[],
    secretHash: document.secretHash,
    createdAt: document.createdAt,
    createdBy: document.createdBy ?? null,
    createdByKeyId: document.createdByKeyId ?? null,
    expiresAt: document.expiresAt ?? null,
    revokedAt: document.revokedAt ?? null,
    lastUsedAt: document.lastUsedAt ?? null,
  };
}
