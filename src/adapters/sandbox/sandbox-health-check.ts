import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HealthChecks } from '@/modules/health/health-checks.js';
import { SandboxDriver } from '@/modules/executor/sandbox-driver.js';

/** Readiness of the executor: sandboxes can be started (Docker engine answers, or sandbox binaries exist). */
@Injectable()
export class SandboxHealthCheck implements OnModuleInit {
  constructor(
    private readonly checks: HealthChecks,
    private readonly driver: SandboxDriver,
  ) {}

  onModuleInit(): void {
    this.checks.register({
      name: 'executor',
      check: async () => {
        await this.driver.check();
        return this.driver.kind;
      },
    });
  }
}
