import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '@/kernel/config/app-config.js';
import { type RateLimiter, RateLimiterStore } from '@/modules/limits/rate-limiter-store.js';
import { PlatformMetrics } from '@/adapters/observability/metrics/platform-metrics.js';
import { RedisConnections } from '@/adapters/redis/redis-connections.js';
import { StoreOutage } from './store-outage.js';

/**
 * Counters shared by every node through Redis when `REDIS_URL` is set, in this process
 * otherwise. Redis commands go over the request path's fail-fast connection, so an outage
 * never holds a request: meanwhile, with `FNGRAPH_RATE_LIMIT_ON_REDIS_DOWN=open`, each
 * node counts in memory (limits then apply per node); with `closed`, the limiter fails and
 * the request is refused.
 */
@Injectable()
export class RedisOrMemoryRateLimiterStore extends RateLimiterStore {
  private readonly outage: StoreOutage;

  constructor(
    private readonly redis: RedisConnections,
    private readonly config: AppConfig,
    @Optional() @Inject(PlatformMetrics) metrics: PlatformMetrics | null = null,
  ) {
    super();
    const fallback = config.rateLimits.onRedisDown === 'open' ? 'counting in this process' : 'refusing limited requests (503)';
    this.outage = new StoreOutage(new Logger(RedisOrMemoryRateLimiterStore.name), fallback, metrics?.rateLimiterDegraded ?? null);
  }

  create(name: string, points: number, durationSeconds: number): RateLimiter {
    const keyPrefix = `${this.config.rateLimits.keyPrefix}:${name}`;
    const memory = new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds });
    if (!this.redis.enabled) return memory;
    const shared = new RateLimiterRedis({ storeClient: this.redis.failFast, keyPrefix, points, duration: durationSeconds, rejectIfRedisNotReady: true });
    const fallback = this.config.rateLimits.onRedisDown === 'open' ? memory : null;
    return {
      consume: async (key, cost = 1) => {
        try {
          const result = await shared.consume(key, cost);
          this.outage.succeeded();
          return result;
        } catch (rejection) {
          if (rejection instanceof RateLimiterRes) {
            this.outage.succeeded();
            throw rejection;
          }
          this.outage.failed(rejection);
          if (!fallback) throw rejection;
          return fallback.consume(key, cost);
        }
      },
    };
  }
}
