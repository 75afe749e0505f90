import { type DynamicModule, Logger, Module } from '@nestjs/common';
import type { AppConfig } from '@/kernel/config/app-config.js';
import { EventBus } from '@/kernel/events/event-bus.js';
import { HealthModule } from '@/modules/health/health.module.js';
import { RunningLogBuffer } from '@/modules/invocations/running-log-buffer.js';
import { RedisModule } from '@/adapters/redis/redis.module.js';
import { EventsHealthCheck } from './events-health-check.js';
import { LocalRunningLogBuffer } from './memory/local-running-log-buffer.js';
import { MemoryEventBus } from './memory/memory-event-bus.js';
import { RedisEventBus } from './redis/redis-event-bus.js';
import { RedisRunningLogBuffer } from './redis/redis-running-log-buffer.js';

/**
 * Provides the event ports: Redis when `REDIS_URL` is set (any number of server nodes),
 * in-process otherwise (one node).
 */
@Module({})
export class EventsModule {
  static forConfig(config: AppConfig): DynamicModule {
    const redis = config.redisUrl !== undefined;
    new Logger(EventsModule.name).log(redis ? 'Events: Redis pub/sub' : 'Events: in-process (single node)');
    return {
      module: EventsModule,
      imports: [RedisModule, HealthModule],
      providers: [
        { provide: EventBus, useClass: redis ? RedisEventBus : MemoryEventBus },
        { provide: RunningLogBuffer, useClass: redis ? RedisRunningLogBuffer : LocalRunningLogBuffer },
        EventsHealthCheck,
      ],
      exports: [EventBus, RunningLogBuffer],
    };
  }
}
