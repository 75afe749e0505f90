import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@/kernel/config/app-config.js';
import { ConfigModule } from '@/kernel/config/config.module.js';
import { type UnexpectedErrorEntry, type UnexpectedErrorReport, UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';

/** An `UnexpectedErrors` for unit and contract tests: keeps every report for assertions. */
export class RecordedErrors extends UnexpectedErrors {
  readonly reports: Array<{ error: unknown; report: UnexpectedErrorReport }> = [];

  report(error: unknown, report: UnexpectedErrorReport): void {
    this.reports.push({ error, report });
  }

  recent(limit = Number.POSITIVE_INFINITY): UnexpectedErrorEntry[] {
    return this.reports
      .slice(-limit)
      .reverse()
      .map(({ error, report }, index) => ({
        id: String(index),
        occurredAt: new Date(),
        source: report.source,
        type: error instanceof Error ? error.name : typeof error,
        message: error instanceof Error ? error.message : String(error),
        stack: error instanceof Error ? (error.stack ?? null) : null,
        where: report.where ?? null,
        requestId: null,
        traceId: null,
        functionName: report.functionName ?? null,
        invocationId: report.invocationId ?? null,
      }));
  }

  get total(): number {
    return this.reports.length;
  }
}

/**
 * The global providers every feature module expects (the configuration, and the
 * unexpected-error path), for tests that assemble a few modules on their own.
 */
export function testKernelModules(config: AppConfig, errors: UnexpectedErrors = new RecordedErrors()): DynamicModule[] {
  return [
    ConfigModule.forConfig(config),
    { module: RecordedErrorsModule, global: true, providers: [{ provide: UnexpectedErrors, useValue: errors }], exports: [UnexpectedErrors] },
  ];
}

@Module({})
class RecordedErrorsModule {}
