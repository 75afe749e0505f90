import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { ScheduleClaimRecord, ScheduleKey } from '@/modules/schedules/schedule-claim.record.js';
import { type ClaimOutcome, ScheduleClaimRepository } from '@/modules/schedules/schedule-claim.repository.js';
import { isDuplicateKeyError } from './mongo.utils.js';
import { type MongoScheduleClaim, SCHEDULE_CLAIM_MODEL } from './schedule-claim.mongo-schema.js';

@Injectable()
export class MongoScheduleClaimRepository extends ScheduleClaimRepository implements OnModuleInit {
  constructor(@InjectModel(SCHEDULE_CLAIM_MODEL) private readonly model: Model<MongoScheduleClaim>) {
    super();
  }

  async onModuleInit(): Promise<void> {
    await this.model.createIndexes();
  }

  async claim(key: ScheduleKey, tick: Date, nodeId: string, claimedAt: Date): Promise<boolean> {
    try {
      await this.model.create({
        _id: claimId(key, tick),
        functionId: key.functionId,
        scheduleId: key.scheduleId,
        tick,
        nodeId,
        claimedAt,
        invocationId: null,
        error: null,
      });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async complete(key: ScheduleKey, tick: Date, outcome: ClaimOutcome): Promise<void> {
    await this.model.updateOne({ _id: claimId(key, tick) }, { $set: { invocationId: outcome.invocationId, error: outcome.error } }).exec();
  }

  async latest(keys: readonly ScheduleKey[]): Promise<ScheduleClaimRecord[]> {
    // One indexed lookup per schedule (at most a few per function): portable to FerretDB
    // and DocumentDB, unlike a $group over the collection.
    const found = await Promise.all(
      keys.map((key) => this.model.findOne({ functionId: key.functionId, scheduleId: key.scheduleId }).sort({ tick: -1 }).lean<MongoScheduleClaim>().exec()),
    );
    return found.filter((document): document is MongoScheduleClaim => document !== null).map(toRecord);
  }

  async prune(before: Date): Promise<number> {
    // Each schedule keeps its latest claim: per schedule with old claims, find its newest tick.
    const old = await this.model
      .find({ tick: { $lt: before } }, { functionId: 1, scheduleId: 1 })
      .lean<Pick<MongoScheduleClaim, 'functionId' | 'scheduleId'>[]>()
      .exec();
    const keys = new Map(old.map((claim) => [`${claim.functionId}/${claim.scheduleId}`, claim]));
    let removed = 0;
    for (const latest of await this.latest([...keys.values()])) {
      const cutoff = latest.tick.getTime() < before.getTime() ? latest.tick : before;
      const result = await this.model.deleteMany({ functionId: latest.functionId, scheduleId: latest.scheduleId, tick: { $lt: cutoff } }).exec();
      removed += result.deletedCount;
    }
    return removed;
  }
}

function claimId(key: ScheduleKey, tick: Date): string {
  return `${key.functionId}/${key.scheduleId}/${tick.getTime()}`;
}

function toRecord(document: MongoScheduleClaim): ScheduleClaimRecord {
  return {
    functionId: document.functionId,
    scheduleId: document.scheduleId,
    tick: document.tick,
    nodeId: document.nodeId,
    claimedAt: document.claimedAt,
    invocationId: document.invocationId ?? null,
    error: document.error ?? null,
  };
}
