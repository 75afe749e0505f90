import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ExecutorService } from '@/modules/executor/executor.service.js';
import { InvocationObserver, type SandboxAcquired } from '@/modules/invocations/invocation-observer.js';
import type { InvocationRecord } from '@/modules/invocations/invocation.record.js';
import type { RequestContext } from '@/kernel/telemetry/request-context.js';
import { PlatformMetrics } from './platform-metrics.js';

/** The executor's outcome type for its own failures (not the function's): see ExecutorService. */
const PLATFORM_SANDBOX_ERROR = 'SandboxError';

/**
 * Turns invocations into metrics and log context, in one place: the invocation path
 * reports each step here (`InvocationObserver`) and knows nothing about Prometheus.
 */
@Injectable()
export class InvocationTelemetry extends InvocationObserver implements OnModuleInit {
  /** Function id → name, for the sandbox gauge (the executor knows ids only). */
  private readonly names = new Map<string, string>();

  constructor(
    private readonly metrics: PlatformMetrics,
    private readonly executor: ExecutorService,
  ) {
    super();
  }

  onModuleInit(): void {
    this.metrics.setSandboxSource(() =>
      this.executor.activeFunctionIds().flatMap((functionId) => {
        const functionName = this.names.get(functionId);
        if (!functionName) return [];
        const { instances, idle } = this.executor.functionInstances(functionId);
        return [{ functionName, busy: instances - idle, idle }];
      }),
    );
    this.metrics.setAutoscalingSource({ versions: () => this.executor.autoscalingStates(), node: () => this.executor.nodeSandboxes() });
  }

  started(record: InvocationRecord, origin?: RequestContext): void {
    this.names.set(record.functionId, record.functionName);
    if (origin) {
      origin.function = record.functionName;
      origin.invocationId = record.id;
    }
    this.metrics.inFlight.inc({ function: this.metrics.functionLabel(record.functionName) });
  }

  sandboxAcquired(record: InvocationRecord, acquired: SandboxAcquired): void {
    const fn = this.metrics.functionLabel(record.functionName);
    this.metrics.acquireWait.observe({ function: fn, start: acquired.cold ? 'cold' : 'warm' }, acquired.waitedMs / 1000);
  }

  finished(record: InvocationRecord): void {
    const { metrics } = this;
    const fn = metrics.functionLabel(record.functionName);
    const version = metrics.versionLabel(fn, record.version);
    metrics.inFlight.dec({ function: fn });
    metrics.invocations.inc({ function: fn, version, status: record.status, trigger: record.trigger });
    if (record.status !== 'REJECTED' && record.durationMs !== null) {
      metrics.invocationDuration.observe({ function: fn, version, status: record.status }, record.durationMs / 1000);
    }
    if (record.coldStart) {
      metrics.coldStarts.inc({ function: fn });
      if (record.initDurationMs !== null) metrics.initDuration.observe({ function: fn }, record.initDurationMs / 1000);
    }
    switch (record.status) {
      case 'FAILED':
        // The executor's own failures are the platform's (it reported them), not the function's.
        if (record.error?.type !== PLATFORM_SANDBOX_ERROR) metrics.functionErrors.inc({ function: fn });
        break;
      case 'TIMED_OUT':
        metrics.timeouts.inc({ function: fn });
        break;
      case 'OOM_KILLED':
        metrics.oomKills.inc({ function: fn });
        break;
      case 'REJECTED':
        if (record.error?.type === 'Throttled') metrics.throttles.inc({ function: fn });
        break;
      default:
        break;
    }
  }

  abandoned(record: InvocationRecord): void {
    this.metrics.inFlight.dec({ function: this.metrics.functionLabel(record.functionName) });
  }
}
