import { Injectable } from '@nestjs/common';
import { ApiTelemetry, type GraphQLOperationOutcome } from '@/kernel/telemetry/api-telemetry.js';
import { PlatformMetrics } from './platform-metrics.js';

/** The API's operations as Prometheus series (operation names capped, see `PlatformMetrics`). */
@Injectable()
export class PrometheusApiTelemetry extends ApiTelemetry {
  constructor(private readonly metrics: PlatformMetrics) {
    super();
  }

  operationFinished(outcome: GraphQLOperationOutcome): void {
    const { metrics } = this;
    const operation = outcome.validated ? metrics.operationLabel(outcome.operation) : 'invalid';
    const labels = { operation, type: outcome.type, transport: outcome.transport };
    metrics.graphqlOperations.inc({ ...labels, outcome: outcome.errorCodes.length > 0 ? 'error' : 'success' });
    if (outcome.durationMs !== undefined) metrics.graphqlDuration.observe(labels, outcome.durationMs / 1000);
    this.errorsReported(outcome.errorCodes);
  }

  errorsReported(codes: readonly string[]): void {
    for (const code of codes) this.metrics.graphqlErrors.inc({ code });
  }

  subscriptionOpened(field: string): void {
    this.metrics.subscriptions.inc({ field });
  }

  subscriptionClosed(field: string): void {
    this.metrics.subscriptions.dec({ field });
  }
}
