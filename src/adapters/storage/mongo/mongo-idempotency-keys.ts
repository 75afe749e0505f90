import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import { IdempotencyKeys } from '@/modules/invocations/idempotency-keys.js';
import { isDuplicateKeyError } from './mongo.utils.js';

/** `_id` is scope and key together: the unique index every MongoDB-protocol server has. */
interface IdempotencyKeyDocument {
  _id: string;
  invocationId: string;
  expiresAt: Date;
}

@Injectable()
export class MongoIdempotencyKeys extends IdempotencyKeys implements OnModuleInit {
  private readonly keys: Collection<IdempotencyKeyDocument>;

  constructor(@InjectConnection() connection: Connection) {
    super();
    this.keys = connection.collection<IdempotencyKeyDocument>('idempotency_keys');
  }

  async onModuleInit(): Promise<void> {
    await this.keys.createIndex({ expiresAt: 1 });
  }

  async claim(scope: string, key: string, invocationId: string, expiresAt: Date, now: Date): Promise<string> {
    const _id = keyId(scope, key);
    try {
      // Matches only an expired holder; with none, the upsert inserts, and a live holder makes it a duplicate key.
      await this.keys.updateOne({ _id, expiresAt: { $lte: now } }, { $set: { invocationId, expiresAt } }, { upsert: true });
      return invocationId;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const held = await this.keys.findOne({ _id });
      return held?.invocationId ?? invocationId;
    }
  }

  async release(scope: string, key: string, invocationId: string): Promise<void> {
    await this.keys.deleteOne({ _id: keyId(scope, key), invocationId });
  }

  async deleteExpired(now: Date): Promise<number> {
    return (await this.keys.deleteMany({ expiresAt: { $lte: now } })).deletedCount;
  }
}

function keyId(scope: string, key: string): string {
  return `${scope}\u0000${key}`;
}
