import { Inject, Injectable, Logger, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
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
  private failFastShared: Redis | null = null;

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

  /**
   * The connection of the request path (rate limits, event publication): its commands
   * never wait for a reconnection (they fail at once while Redis is unreachable) and
   * give up after `FNGRAPH_REDIS_COMMAND_TIMEOUT_MS` when Redis does not answer, so an
   * outage costs a request nothing but a fallback. Only the very first connection is
   * waited for (still within the timeout), so a server that just started works.
   */
  get failFast(): Redis {
    if (!this.failFastShared) {
      const connection = this.open('request-path', {
        commandTimeout: this.config.redisCommandTimeoutMs,
        // A command that timed out was answered by its fallback: sending it again later would count it twice.
        autoResendUnfulfilledCommands: false,
      });
      connection.once('ready', () => {
        connection.options.enableOfflineQueue = false;
      });
      this.failFastShared = connection;
    }
    return this.failFastShared;
  }

  /** A new connection for one purpose (e.g. a subscriber). */
  open(purpose: string, options: RedisOptions = {}): Redis {
    if (!this.config.redisUrl) throw new Error('Redis is not configured (REDIS_URL)');
    const connection = new Redis(this.config.redisUrl, {
      connectionName: `fngraph:${purpose}`,
      // Commands wait for a reconnect instead of failing at once, but not forever.
      maxRetriesPerRequest: 3,
      enableAutoPipelining: true,
      ...options,
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
    this.failFastShared = null;
  }
}
