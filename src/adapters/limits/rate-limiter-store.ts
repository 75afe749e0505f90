import { Injectable } from '@nestjs/common';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { AppConfig } from '@/kernel/config/app-config.js';
import { RateLimiterStore } from '@/modules/limits/rate-limiter-store.js';
import { RedisConnections } from '@/adapters/redis/redis-connections.js';

/**
 * Counters shared by every node through Redis when `REDIS_URL` is set (with an in-memory
 * fallback while Redis is unreachable), in this process otherwise.
 */
@Injectable()
export class RedisOrMemoryRateLimiterStore extends RateLimiterStore {
  constructor(
    private readonly redis: RedisConnections,
    private readonly config: AppConfig,
  ) {
    super();
  }

  create(name: string, points: number, durationSeconds: number): RateLimiterAbstract {
    const keyPrefix = `${this.config.rateLimits.keyPrefix}:${name}`;
    const memory = new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds });
    if (!this.redis.enabled) return memory;
    return new RateLimiterRedis({
      storeClient: this.redis.client,
      keyPrefix,
      points,
      duration: durationSeconds,
      insuranceLimiter: memory,
    });
  }
}
