import { Module } from '@nestjs/common';
import { HealthChecks } from './health-checks.js';
import { HealthService } from './health.service.js';

/** Readiness: the checks registered by the adapters of external dependencies, run on request. */
@Module({
  providers: [HealthChecks, HealthService],
  exports: [HealthChecks, HealthService],
})
export class HealthModule {}
