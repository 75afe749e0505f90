import { type DynamicModule, Global, Logger, Module } from '@nestjs/common';
import type { AppConfig } from '@/config/app-config.js';
import { EventBus } from './event-bus.js';
import { MemoryEventBus } from './memory/memory-event-bus.js';

/** Provides the `EventBus` port: Redis when `REDIS_URL` is set, in-process otherwise. */
@Global()
@Module({})
export class EventsModule {
  static forConfig(config: AppConfig): DynamicModule {
    if (config.redisUrl) {
      new Logger(EventsModule.name).warn('REDIS_URL is set but the Redis event bus is not wired yet; using in-process events');
    }
    return { module: EventsModule, providers: [{ provide: EventBus, useClass: MemoryEventBus }], exports: [EventBus] };
  }
}
