import { Injectable, type OnModuleInit } from '@nestjs/common';
import { FunctionRepository } from '@/modules/functions/function.repository.js';
import { HealthChecks } from '@/modules/health/health-checks.js';

/** Readiness of the store: an indexed lookup by name that touches the real store (SQLite file or MongoDB). */
@Injectable()
export class StorageHealthCheck implements OnModuleInit {
  constructor(
    private readonly checks: HealthChecks,
    private readonly functions: FunctionRepository,
  ) {}

  onModuleInit(): void {
    this.checks.register({ name: 'storage', check: async () => void (await this.functions.findByName('health-probe')) });
  }
}
