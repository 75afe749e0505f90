import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, QueryFilter } from 'mongoose';
import { ConflictError } from '@/kernel/errors/domain-error.js';
import type { PageRequest, PageResult } from '@/kernel/pagination/page.js';
import type { FunctionFilter, FunctionRecord, NameTombstone } from '@/modules/functions/function.record.js';
import type { Language } from '@/modules/runtimes/runtime-catalog.js';
import { FunctionRepository, type FunctionHeadUpdate } from '@/modules/functions/function.repository.js';
import { FUNCTION_MODEL, type MongoFunction, type MongoFunctionSchedule } from './function.mongo-schema.js';
import { duplicateKeyFields, escapeRegExp, isDuplicateKeyError } from './mongo.utils.js';

@Injectable()
export class MongoFunctionRepository extends FunctionRepository implements OnModuleInit {
  constructor(@InjectModel(FUNCTION_MODEL) private readonly model: Model<MongoFunction>) {
    super();
  }

  /** Start-up waits for the indexes: the unique name rule depends on them. */
  async onModuleInit(): Promise<void> {
    await this.model.createIndexes();
  }

  async insert(record: FunctionRecord): Promise<void> {
    try {
      await this.model.create(toDocument(record));
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const fields = duplicateKeyFields(error);
      throw new ConflictError(
        fields?.includes('_id') ? `Function ${record.id} already exists` : `A function named ${JSON.stringify(record.name)} already exists`,
      );
    }
  }

  async findById(id: string): Promise<FunctionRecord | null> {
    const document = await this.model.findOne({ _id: id }).lean<MongoFunction>().exec();
    return document ? toRecord(document) : null;
  }

  async findByName(name: string): Promise<FunctionRecord | null> {
    const document = await this.model.findOne({ nameKey: name, deletedAt: null }).lean<MongoFunction>().exec();
    return document ? toRecord(document) : null;
  }

  async findByIds(ids: readonly string[]): Promise<FunctionRecord[]> {
    if (ids.length === 0) return [];
    const documents = await this.model
      .find({ _id: { $in: [...new Set(ids)] } })
      .lean<MongoFunction[]>()
      .exec();
    return documents.map(toRecord);
  }

  async list(filter: FunctionFilter, page: PageRequest): Promise<PageResult<FunctionRecord>> {
    const query: QueryFilter<MongoFunction> = { deletedAt: null };
    const name: { $regex?: RegExp; $gt?: string } = {};
    if (filter.namePrefix !== undefined && filter.namePrefix !== '') {
      // Anchored and escaped: the prefix is user input, and `^literal` can use the name index.
      name.$regex = new RegExp(`^${escapeRegExp(filter.namePrefix)}`);
    }
    if (page.after !== undefined) name.$gt = page.after;
    if (Object.keys(name).length > 0) query.name = name;
    if (filter.tag !== undefined) query.tags = filter.tag;
    if (filter.language !== undefined) query.language = filter.language;
    const reachable: Array<QueryFilter<MongoFunction>> = [];
    if (filter.visibleTo !== undefined) {
      reachable.push(
        { ownerId: filter.visibleTo.subject },
        { 'permissions.allowedUsers': filter.visibleTo.subject },
        { 'permissions.executionRoles': { $in: [...filter.visibleTo.roles] } },
      );
    }
    if (filter.public === true) reachable.push({ 'permissions.public': true });
    if (reachable.length > 0) query.$or = reachable;
    const documents = await this.model
      .find(query)
      .sort({ name: 1 })
      .limit(page.first + 1)
      .lean<MongoFunction[]>()
      .exec();
    return { items: documents.slice(0, page.first).map(toRecord), hasMore: documents.length > page.first };
  }

  async listScheduled(): Promise<FunctionRecord[]> {
    const documents = await this.model.find({ scheduled: true, deletedAt: null }).lean<MongoFunction[]>().exec();
    return documents.map(toRecord);
  }

  async updateHead(id: string, expectedVersionCount: number, update: FunctionHeadUpdate): Promise<boolean> {
    const result = await this.model
      .updateOne(
        { _id: id, versionCount: expectedVersionCount, deletedAt: null },
        {
          $set: {
            latestVersion: update.latestVersion,
            latestVersionId: update.latestVersionId,
            versionCount: update.versionCount,
            updatedAt: update.updatedAt,
            description: update.description,
            language: update.language,
            runtime: update.runtime,
            author: update.author,
            tags: [...update.tags],
            permissions: toPermissions(update.permissions),
            schedules: toSchedules(update.schedules),
            scheduled: isScheduled(update.schedules),
          },
        },
      )
      .exec();
    return result.matchedCount === 1;
  }

  async markDeleted(id: string, at: Date): Promise<boolean> {
    const result = await this.model.updateOne({ _id: id, deletedAt: null }, { $set: { deletedAt: at, nameKey: deletedNameKey(id) } }).exec();
    return result.matchedCount === 1;
  }

  async findTombstones(name: string): Promise<NameTombstone[]> {
    const documents = await this.model
      .find({ name, deletedAt: { $ne: null } }, { ownerId: 1, latestVersion: 1, nameReleasedAt: 1 })
      .lean<Array<Pick<MongoFunction, 'ownerId' | 'latestVersion' | 'nameReleasedAt'>>>()
      .exec();
    return documents.map((doc) => ({ ownerId: doc.ownerId ?? null, latestVersion: doc.latestVersion, releasedAt: doc.nameReleasedAt ?? null }));
  }

  async releaseName(name: string, at: Date): Promise<number> {
    const result = await this.model.updateMany({ name, deletedAt: { $ne: null }, nameReleasedAt: null }, { $set: { nameReleasedAt: at } }).exec();
    return result.modifiedCount;
  }

  async remove(id: string): Promise<void> {
    await this.model.deleteOne({ _id: id }).exec();
  }
}

function deletedNameKey(id: string): string {
  return `deleted:${id}`;
}

function toPermissions(permissions: FunctionRecord['permissions']): MongoFunction['permissions'] {
  return {
    public: permissions.public,
    allowedUsers: [...permissions.allowedUsers],
    executionRoles: [...permissions.executionRoles],
  };
}

function toSchedules(schedules: FunctionRecord['schedules']): MongoFunctionSchedule[] {
  return schedules.map((schedule) => ({
    id: schedule.id,
    cron: schedule.cron,
    timezone: schedule.timezone,
    payload: schedule.payload,
    enabled: schedule.enabled,
  }));
}

function isScheduled(schedules: FunctionRecord['schedules']): boolean {
  return schedules.some((schedule) => schedule.enabled);
}

function toDocument(record: FunctionRecord): MongoFunction {
  return {
    _id: record.id,
    name: record.name,
    nameKey: record.deletedAt === null ? record.name : deletedNameKey(record.id),
    description: record.description,
    language: record.language,
    runtime: record.runtime,
    ownerId: record.ownerId,
    author: record.author,
    tags: [...record.tags],
    permissions: toPermissions(record.permissions),
    schedules: toSchedules(record.schedules),
    scheduled: isScheduled(record.schedules),
    latestVersion: record.latestVersion,
    latestVersionId: record.latestVersionId,
    versionCount: record.versionCount,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    deletedAt: record.deletedAt,
  };
}

function toRecord(document: MongoFunction): FunctionRecord {
  return {
    id: document._id,
    name: document.name,
    description: document.description ?? '',
    language: document.language as Language,
    runtime: document.runtime,
    ownerId: document.ownerId ?? null,
    author: document.author ?? null,
    tags: document.tags ?? [],
    permissions: {
      public: document.permissions.public,
      allowedUsers: document.permissions.allowedUsers ?? [],
      executionRoles: document.permissions.executionRoles ?? [],
    },
    schedules: toSchedules(document.schedules ?? []).map((schedule) => ({ ...schedule, payload: schedule.payload ?? null })),
    latestVersion: document.latestVersion,
    latestVersionId: document.latestVersionId,
    versionCount: document.versionCount,
    createdAt: document.createdAt,
    updatedAt: document.updatedAt,
    deletedAt: document.deletedAt ?? null,
  };
}
