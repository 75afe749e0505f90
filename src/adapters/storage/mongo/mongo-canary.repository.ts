import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Collection, Model } from 'mongoose';
import type { CanaryRecord } from '@/modules/canary/canary.record.js';
import { CanaryRepository } from '@/modules/canary/canary.repository.js';
import { canaryRunningKey, decodeCanary, encodeCanary } from '../canary-document.js';
import { CANARY_MODEL, type MongoCanary } from './canary.mongo-schema.js';
import { isDuplicateKeyError } from './mongo.utils.js';

/** A claim not followed by its update within this long was left by a node that died. */
const STALE_CLAIM_MS = 60_000;

@Injectable()
export class MongoCanaryRepository extends CanaryRepository implements OnModuleInit {
  /** One document per revision a canary moved to: `_id` is `<canary id>/<revision>`. */
  private readonly claims: Collection<{ _id: string; claimedAt: Date }>;

  constructor(@InjectModel(CANARY_MODEL) private readonly model: Model<MongoCanary>) {
    super();
    this.claims = model.db.collection<{ _id: string; claimedAt: Date }>('canary_claims');
  }

  async onModuleInit(): Promise<void> {
    await this.model.createIndexes();
  }

  async insert(record: CanaryRecord): Promise<boolean> {
    try {
      await this.model.create(toDocument(record));
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async update(record: CanaryRecord): Promise<boolean> {
    // The claim: an insert under the unique `_id` (canary, revision). A conditional update
    // alone is not enough: FerretDB runs `updateOne` as a read then a write, so two nodes
    // could both match the old revision. Of racing inserts, exactly one succeeds anywhere.
    if (!(await this.claim(record)) && !((await this.releaseStaleClaim(record)) && (await this.claim(record)))) return false;
    const { _id, ...fields } = toDocument(record);
    const result = await this.model.updateOne({ _id, revision: record.revision - 1 }, { $set: fields }).exec();
    return result.matchedCount === 1;
  }

  private async claim(record: CanaryRecord): Promise<boolean> {
    try {
      await this.claims.insertOne({ _id: claimId(record), claimedAt: new Date() });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /**
   * A claim whose canary never moved to its revision: its node died between the claim and
   * the update. Once old enough, it is removed so that the change can be made again.
   */
  private async releaseStaleClaim(record: CanaryRecord): Promise<boolean> {
    const stored = await this.model.findOne({ _id: record.id }, { revision: 1 }).lean<Pick<MongoCanary, 'revision'>>().exec();
    if (stored?.revision !== record.revision - 1) return false;
    const { deletedCount } = await this.claims.deleteOne({ _id: claimId(record), claimedAt: { $lt: new Date(Date.now() - STALE_CLAIM_MS) } });
    return deletedCount === 1;
  }

  async findById(id: string): Promise<CanaryRecord | null> {
    const found = await this.model.findOne({ _id: id }, { document: 1 }).lean<Pick<MongoCanary, 'document'>>().exec();
    return found ? decodeCanary(found.document) : null;
  }

  async latest(functionId: string, alias: string): Promise<CanaryRecord | null> {
    const found = await this.model.findOne({ functionId, alias }, { document: 1 }).sort({ _id: -1 }).lean<Pick<MongoCanary, 'document'>>().exec();
    return found ? decodeCanary(found.document) : null;
  }

  async listRunning(): Promise<CanaryRecord[]> {
    const found = await this.model.find({ status: 'RUNNING' }, { document: 1 }).lean<Array<Pick<MongoCanary, 'document'>>>().exec();
    return found.map((document) => decodeCanary(document.document));
  }
}

function claimId(record: CanaryRecord): string {
  return `${record.id}/${record.revision}`;
}

function toDocument(record: CanaryRecord): MongoCanary {
  return {
    _id: record.id,
    functionId: record.functionId,
    alias: record.alias,
    runningKey: canaryRunningKey(record),
    status: record.status,
    revision: record.revision,
    document: encodeCanary(record),
  };
}
