import type { RequestContext } from '@/kernel/telemetry/request-context.js';
import type { InvocationRecord } from './invocation.record.js';

export interface SandboxAcquired {
  /** A sandbox was started for this invocation. */
  cold: boolean;
  /** From asking for a sandbox until one was assigned (queue wait, plus start-up when cold). */
  waitedMs: number;
}

/**
 * Watches invocations go by (metrics, log context). The telemetry adapter implements it
 * (`adapters/observability`); the invocation path calls it at each step and never waits on it.
 */
export abstract class InvocationObserver {
  /** The record was stored (RUNNING: a run starts; QUEUED: queued); `origin` is the HTTP request it serves, if any. */
  abstract started(record: InvocationRecord, origin?: RequestContext): void;
  abstract sandboxAcquired(record: InvocationRecord, acquired: SandboxAcquired): void;
  /** The record reached its final status. */
  abstract finished(record: InvocationRecord): void;
  /** The platform failed to finish the invocation (e.g. storage down); the error is reported where it is caught. */
  abstract abandoned(record: InvocationRecord, error: unknown): void;
  /** A run ended without ending the invocation: it is queued again (retry, or released at shutdown). */
  abstract suspended(record: InvocationRecord): void;
  /** Queued invocations waiting for a worker (the whole queue, as this node sees it): what worker autoscaling follows. */
  abstract queueDepth(waiting: number): void;
  /** Records waiting to be stored on this node, and the most there ever were. */
  abstract recordBacklog(waiting: number, highWater: number): void;
  /** A request its version's contract refused, before anything was recorded or started (no-op unless counted). */
  inputRefused(_functionName: string): void {}
}
