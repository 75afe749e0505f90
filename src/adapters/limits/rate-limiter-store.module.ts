import { Module } from '@nestjs/common';
import { RateLimiterStore } from '@/modules/limits/rate-limiter-store.js';
import { MetricsModule } from '@/adapters/observability/metrics/metrics.module.js';
import { RedisModule } from '@/adapters/redis/redis.module.js';
import { RedisOrMemoryRateLimiterStore } from './rate-limiter-store.js';

/** Rate-limit counters: Redis when configured (shared by all nodes), memory otherwise. */
@Module({
  imports: [RedisModule, MetricsModule],
  providers: [{ provide: RateLimiterStore, useClass: RedisOrMemoryRateLimiterStore }],
  exports: [RateLimiterStore],
})
export class RateLimiterStoreModule {}
