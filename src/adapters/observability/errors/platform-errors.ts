import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { type UnexpectedErrorEntry, type UnexpectedErrorReport, UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import { newId } from '@/kernel/ids/new-id.js';
import { AppConfig } from '@/kernel/config/app-config.js';
import { currentRequestContext, errorContextOf, requestContextOf } from '@/kernel/telemetry/request-context.js';
import { ROOT_LOGGER } from '@/kernel/telemetry/root-logger.js';
import { PlatformMetrics } from '@/adapters/observability/metrics/platform-metrics.js';
import { activeSpanIds } from '@/kernel/telemetry/spans.js';

/**
 * fngraph's own unexpected errors (a bug, a store that fails), as opposed to a function's
 * failures: each is logged once with its stack and context, counted
 * (`fngraph_platform_errors_total`), and kept in a bounded ring buffer for the
 * `platformErrors` query and `/health/ready`. Per node: each node keeps its own.
 */
@Injectable()
export class PlatformErrors extends UnexpectedErrors {
  private readonly entries: UnexpectedErrorEntry[] = [];
  private next = 0;
  private count = 0;

  constructor(
    private readonly metrics: PlatformMetrics,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    private readonly config: AppConfig,
  ) {
    super();
  }

  report(error: unknown, report: UnexpectedErrorReport): UnexpectedErrorEntry {
    const request = currentRequestContext() ?? requestContextOf(report.request) ?? errorContextOf(error);
    const entry: UnexpectedErrorEntry = {
      id: newId(),
      occurredAt: new Date(),
      source: report.source,
      type: error instanceof Error ? error.name || error.constructor.name : typeof error,
      message: error instanceof Error ? error.message : String(error),
      stack: error instanceof Error ? (error.stack ?? null) : null,
      where: report.where ?? null,
      requestId: request?.requestId ?? null,
      traceId: activeSpanIds()?.traceId ?? request?.traceId ?? null,
      functionName: report.functionName ?? request?.function ?? null,
      invocationId: report.invocationId ?? request?.invocationId ?? null,
    };
    this.metrics.platformErrors.inc({ source: report.source });
    this.logger.error(
      {
        err: error,
        unexpected: true,
        errorSource: report.source,
        where: entry.where,
        errorId: entry.id,
        // Explicit: the request's async context may not be active here (FNGRAPH_LOG_REQUEST_CONTEXT).
        ...(request ? { requestId: request.requestId, traceId: entry.traceId, operation: request.operation, principal: request.principal() } : {}),
        function: entry.functionName ?? undefined,
        invocationId: entry.invocationId ?? undefined,
      },
      `Unexpected error (${report.source}${entry.where ? ` at ${entry.where}` : ''}): ${entry.message}`,
    );
    this.keep(entry);
    return entry;
  }

  /** The most recent entries, newest first. */
  recent(limit = this.config.observability.platformErrorsKept): UnexpectedErrorEntry[] {
    const kept = this.entries.length;
    const result: UnexpectedErrorEntry[] = [];
    for (let i = 1; i <= Math.min(limit, kept); i++) result.push(this.entries[(this.next - i + kept) % kept]!);
    return result;
  }

  /** Unexpected errors since this node started. */
  get total(): number {
    return this.count;
  }

  private keep(entry: UnexpectedErrorEntry): void {
    const capacity = this.config.observability.platformErrorsKept;
    this.count++;
    if (this.entries.length < capacity) {
      this.entries.push(entry);
      this.next = this.entries.length % capacity;
    } else {
      this.entries[this.next] = entry;
      this.next = (this.next + 1) % capacity;
    }
  }
}
