import { Injectable, type OnModuleInit } from '@nestjs/common';
import { RedisConnections } from '@/adapters/redis/redis-connections.js';
import { SandboxDriver } from '@/modules/executor/sandbox-driver.js';
import { FunctionRepository } from '@/modules/functions/function.repository.js';
import { HealthChecks } from '@/modules/health/health-checks.js';

/** Storage, events and the executor: the dependencies every node has. */
@Injectable()
export class CoreHealthChecks implements OnModuleInit {
  constructor(
    private readonly checks: HealthChecks,
    private readonly functions: FunctionRepository,
    private readonly redis: RedisConnections,
    private readonly driver: SandboxDriver,
  ) {}

  onModuleInit(): void {
    // A read by name: an indexed lookup that touches the real store (SQLite file or MongoDB).
    this.checks.register({ name: 'storage', check: async () => void (await this.functions.findByName('health-probe')) });
    this.checks.register({
      name: 'events',
      check: async () => {
        if (!this.redis.enabled) return 'in-process';
        const reply = await this.redis.client.ping();
        if (reply !== 'PONG') throw new Error(`Redis answered ${reply} to PING`);
      },
    });
    this.checks.register({
      name: 'executor',
      check: async () => {
        await this.driver.check();
        return this.driver.kind;
      },
    });
  }
}
