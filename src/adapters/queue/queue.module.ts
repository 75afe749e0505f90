import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@/kernel/config/app-config.js';
import { InvocationQueue } from '@/modules/invocations/invocation-queue.js';
import { BullmqInvocationQueue } from './bullmq/bullmq-invocation-queue.js';
import { SqliteInvocationQueue } from './sqlite/sqlite-invocation-queue.js';

/** The queue of async invocations: BullMQ on Redis when `REDIS_URL` is set (shared by all nodes), else a local SQLite queue. */
@Module({})
export class QueueModule {
  static forConfig(config: AppConfig): DynamicModule {
    const adapter = config.redisUrl ? BullmqInvocationQueue : SqliteInvocationQueue;
    return {
      module: QueueModule,
      providers: [adapter, { provide: InvocationQueue, useExisting: adapter }],
      exports: [InvocationQueue],
    };
  }
}
