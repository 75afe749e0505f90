import { Module } from '@nestjs/common';
import { ApiTelemetry } from '@/kernel/telemetry/api-telemetry.js';
import { MetricsExporter } from '@/kernel/telemetry/metrics-exporter.js';
import { PlatformMetrics } from './platform-metrics.js';
import { PrometheusApiTelemetry } from './prometheus-api-telemetry.js';

/** The process's Prometheus registry, and the ports the API reads and feeds it through. */
@Module({
  providers: [PlatformMetrics, { provide: MetricsExporter, useExisting: PlatformMetrics }, { provide: ApiTelemetry, useClass: PrometheusApiTelemetry }],
  exports: [PlatformMetrics, MetricsExporter, ApiTelemetry],
})
export class MetricsModule {}
