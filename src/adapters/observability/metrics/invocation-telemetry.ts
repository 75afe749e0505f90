import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ExecutorService } from '@/modules/executor/executor.service.js';
import { EgressStats } from '@/modules/egress/egress-stats.js';
import { InvocationObserver, type SandboxAcquired } from '@/modules/invocations/invocation-observer.js';
import type { InvocationRecord } from '@/modules/invocations/invocation.record.js';
import type { RequestContext } from '@/kernel/telemetry/request-context.js';
import { PlatformMetrics } from './platform-metrics.js';

/** Error types of failures that are the platform's (executor, runner, shutdown, a lost node), not the function's. */
const PLATFORM_ERRORS = new Set(['SandboxError', 'PlatformError', 'Shutdown', 'NODE_LOST', 'WorkerLost']);

/**
 * Turns invocations into metrics and log context, in one place: the invocation path
 * reports each step here (`InvocationObserver`) and knows nothing about Prometheus.
 */
@Injectable()
export class InvocationTelemetry extends InvocationObserver implements OnModuleInit {
  /** Function id → name, for the sandbox gauge (the executor knows ids only). */
  private readonly names = new Map<string, string>();
  /** Runs counted in `fngraph_invocations_in_flight` on this node (an invocation may end on another node than it was queued on). */
  private readonly running = new Set<string>();

  constructor(
    private readonly metrics: PlatformMetrics,
    private readonly executor: ExecutorService,
    private readonly egress: EgressStats,
  ) {
    super();
  }

  onModuleInit(): void {
    this.metrics.setSandboxOutputSource(() => this.executor.sandboxOutput());
    this.metrics.setEgressSource(() => ({ allowed: this.egress.allowed, denied: this.egress.denied }));
    this.metrics.setSandboxSource(() =>
      this.executor.activeFunctionIds().flatMap((functionId) => {
        const functionName = this.names.get(functionId);
        if (!functionName) return [];
        const { instances, idle } = this.executor.functionInstances(functionId);
        return [{ functionName, busy: instances - idle, idle }];
      }),
    );
    this.metrics.setAutoscalingSource({
      versions: () => this.executor.autoscalingStates(),
      node: () => this.executor.nodeSandboxes(),
      nodeMemory: () => this.executor.nodeSandboxMemory(),
      owners: () => this.executor.ownerSandboxes(),
    });
  }

  started(record: InvocationRecord, origin?: RequestContext): void {
    this.names.set(record.functionId, record.functionName);
    if (origin) {
      origin.function = record.functionName;
      origin.invocationId = record.id;
    }
    if (record.status !== 'RUNNING' || this.running.has(record.id)) return;
    this.running.add(record.id);
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
    this.runEnded(record);
    metrics.invocations.inc({ function: fn, version, status: record.status, trigger: record.trigger });
    if (record.status !== 'REJECTED' && record.durationMs !== null) {
      metrics.invocationDuration.observe({ function: fn, version, status: record.status }, record.durationMs / 1000);
    }
    if (record.contractViolations.length > 0) metrics.contractViolations.inc({ function: fn, part: 'output' });
    if (record.coldStart) {
      metrics.coldStarts.inc({ function: fn });
      if (record.initDurationMs !== null) metrics.initDuration.observe({ function: fn }, record.initDurationMs / 1000);
    }
    switch (record.status) {
      case 'FAILED':
        // The executor's own failures are the platform's (it reported them), not the function's.
        if (!PLATFORM_ERRORS.has(record.error?.type ?? '')) metrics.functionErrors.inc({ function: fn });
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

  override inputRefused(functionName: string): void {
    this.metrics.contractViolations.inc({ function: this.metrics.functionLabel(functionName), part: 'input' });
  }

  abandoned(record: InvocationRecord): void {
    this.runEnded(record);
  }

  suspended(record: InvocationRecord): void {
    this.runEnded(record);
  }

  queueDepth(waiting: number): void {
    this.metrics.queueDepth.set(waiting);
  }

  recordBacklog(waiting: number, highWater: number): void {
    this.metrics.recordBacklog.set(waiting);
    this.metrics.recordBacklogHighWater.set(highWater);
  }

  private runEnded(record: InvocationRecord): void {
    if (this.running.delete(record.id)) this.metrics.inFlight.dec({ function: this.metrics.functionLabel(record.functionName) });
  }
}
