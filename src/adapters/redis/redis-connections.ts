import { Inject, Injectable, Logger, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '@/kernel/config/app-config.js';
import { PlatformMetrics } from '@/adapters/observability/metrics/platform-metrics.js';
import { timeRedisCommands } from '@/adapters/observability/metrics/redis-timing.js';

/**
 * The Redis connections of this process, when `REDIS_URL` is set: one shared client for
 * commands, plus dedicated ones for subscribers (a subscribed connection can run
 * nothing else). All are closed on shutdown.
 */
@Injectable()
export class RedisConnections implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisConnections.name);
  private readonly opened: Redis[] = [];
  private shared: Redis | null = null;

  constructor(
    private readonly config: AppConfig,
    @Optional() @Inject(PlatformMetrics) private readonly metrics: PlatformMetrics | null = null,
  ) {}

  get enabled(): boolean {
    return this.config.redisUrl !== undefined;
  }

  /** The shared command connection. */
  get client(): Redis {
    this.shared ??= this.open('commands');
    return this.shared;
  }

  /** A new connection for one purpose (e.g. a subscriber). */
  open(purpose: string): Redis {
    if (!this.config.redisUrl) throw new Error('Redis is not configured (REDIS_URL)');
    const connection = new Redis(this.config.redisUrl, {
      connectionName: `fngraph:${purpose}`,
      // Commands wait for a reconnect instead of failing at once, but not forever.
      maxRetriesPerRequest: 3,
      enableAutoPipelining: true,
    });
    connection.on('error', (error: Error) => this.logger.warn(`Redis (${purpose}): ${error.message}`));
    if (this.metrics) timeRedisCommands(connection, this.metrics.redisDuration);
    this.opened.push(connection);
    return connection;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.opened.map((c) => c.quit().catch(() => c.disconnect())));
    this.opened.length = 0;
    this.shared = null;
  }
}
