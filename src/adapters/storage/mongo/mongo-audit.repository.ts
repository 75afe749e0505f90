import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, QueryFilter } from 'mongoose';
import type { PageRequest, PageResult } from '@/kernel/pagination/page.js';
import type { AuditAction, AuditDetails, AuditFilter, AuditRecord } from '@/modules/audit/audit.record.js';
import { AuditRepository } from '@/modules/audit/audit.repository.js';
import type { PrincipalKind } from '@/kernel/identity/principal.js';
import { AUDIT_MODEL, type MongoAuditEntry } from './audit.mongo-schema.js';

@Injectable()
export class MongoAuditRepository extends AuditRepository implements OnModuleInit {
  constructor(@InjectModel(AUDIT_MODEL) private readonly model: Model<MongoAuditEntry>) {
    super();
  }

  async onModuleInit(): Promise<void> {
    await this.model.createIndexes();
  }

  async insert(record: AuditRecord): Promise<void> {
    await this.model.create({
      _id: record.id,
      at: record.at,
      actorId: record.actorId,
      actorKind: record.actorKind,
      credentialId: record.credentialId,
      action: record.action,
      targetType: record.targetType,
      targetId: record.targetId,
      details: JSON.stringify(record.details),
      ip: record.ip,
      userAgent: record.userAgent,
    } satisfies MongoAuditEntry);
  }

  async list(filter: AuditFilter, page: PageRequest): Promise<PageResult<AuditRecord>> {
    const query: QueryFilter<MongoAuditEntry> = {};
    if (filter.action !== undefined) query.action = filter.action;
    if (filter.actorId !== undefined) query.actorId = filter.actorId;
    if (filter.targetId !== undefined) query.targetId = filter.targetId;
    const at: { $gte?: Date; $lt?: Date } = {};
    if (filter.since !== undefined) at.$gte = filter.since;
    if (filter.until !== undefined) at.$lt = filter.until;
    if (Object.keys(at).length > 0) query.at = at;
    if (page.after !== undefined) query._id = { $lt: page.after };
    const documents = await this.model
      .find(query)
      .sort({ _id: -1 })
      .limit(page.first + 1)
      .lean<MongoAuditEntry[]>()
      .exec();
    return { items: documents.slice(0, page.first).map(toRecord), hasMore: documents.length > page.first };
  }
}

function toRecord(document: MongoAuditEntry): AuditRecord {
  return {
    id: document._id,
    at: document.at,
    actorId: document.actorId ?? null,
    actorKind: document.actorKind as PrincipalKind,
    credentialId: document.credentialId ?? null,
    action: document.action as AuditAction,
    targetType: document.targetType as AuditRecord['targetType'],
    targetId: document.targetId ?? null,
    details: JSON.parse(document.details ?? '{}') as AuditDetails,
    ip: document.ip ?? null,
    userAgent: document.userAgent ?? null,
  };
}
