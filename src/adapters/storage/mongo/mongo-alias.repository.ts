import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { AliasRecord } from '@/modules/aliases/alias.record.js';
import { AliasRepository } from '@/modules/aliases/alias.repository.js';
import { ALIAS_MODEL, type MongoAlias } from './alias.mongo-schema.js';

@Injectable()
export class MongoAliasRepository extends AliasRepository implements OnModuleInit {
  constructor(@InjectModel(ALIAS_MODEL) private readonly model: Model<MongoAlias>) {
    super();
  }

  async onModuleInit(): Promise<void> {
    await this.model.createIndexes();
  }

  async list(functionId: string): Promise<AliasRecord[]> {
    const documents = await this.model.find({ functionId }).sort({ name: 1 }).lean<MongoAlias[]>().exec();
    return documents.map(toRecord);
  }

  async listByFunctionIds(functionIds: readonly string[]): Promise<AliasRecord[]> {
    if (functionIds.length === 0) return [];
    const documents = await this.model
      .find({ functionId: { $in: [...new Set(functionIds)] } })
      .lean<MongoAlias[]>()
      .exec();
    return documents.map(toRecord);
  }

  async find(functionId: string, name: string): Promise<AliasRecord | null> {
    const document = await this.model.findById(aliasId(functionId, name)).lean<MongoAlias>().exec();
    return document ? toRecord(document) : null;
  }

  async save(record: AliasRecord): Promise<void> {
    const { createdAt, ...changed } = record;
    await this.model
      .updateOne(
        { _id: aliasId(record.functionId, record.name) },
        {
          $set: { ...changed, routes: record.routes.map((route) => ({ ...route })), shadow: record.shadow ? { ...record.shadow } : null },
          $setOnInsert: { createdAt },
        },
        { upsert: true },
      )
      .exec();
  }

  async delete(functionId: string, name: string): Promise<boolean> {
    const result = await this.model.deleteOne({ _id: aliasId(functionId, name) }).exec();
    return result.deletedCount === 1;
  }
}

function aliasId(functionId: string, name: string): string {
  return `${functionId}:${name}`;
}

function toRecord(document: MongoAlias): AliasRecord {
  return {
    functionId: document.functionId,
    name: document.name,
    routes: document.routes.map((route) => ({ version: route.version, weight: route.weight })),
    shadow: document.shadow ? { version: document.shadow.version, percent: document.shadow.percent } : null,
    createdAt: document.createdAt,
    updatedAt: document.updatedAt,
    updatedBy: document.updatedBy ?? null,
  };
}
