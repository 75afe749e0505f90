import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HealthChecks } from '@/modules/health/health-checks.js';
import { RedisConnections } from '@/adapters/redis/redis-connections.js';

/** Readiness of the event bus: Redis answers PING (in-process events always do). */
@Injectable()
export class EventsHealthCheck implements OnModuleInit {
  constructor(
    private readonly checks: HealthChecks,
    private readonly redis: RedisConnections,
  ) {}

  onModuleInit(): void {
    this.checks.register({
      name: 'events',
      check: async () => {
        if (!this.redis.enabled) return 'in-process';
        const reply = await this.redis.client.ping();
        if (reply !== 'PONG') throw new Error(`Redis answered ${reply} to PING`);
      },
    });
  }
}
