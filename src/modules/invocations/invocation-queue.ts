import type { InvocationEvent } from '@/modules/executor/execution.types.js';

/** What a worker needs to run a queued invocation; the record holds everything else. */
export interface InvocationJob {
  invocationId: string;
  /** The whole event, sealed (see `QueuedEventSeal`): the record keeps a redacted copy capped in size. */
  sealedEvent?: SealedEvent;
  /** The whole event in clear: only in jobs queued by versions from before sealing. */
  event?: InvocationEvent;
  /** W3C trace context of the request that queued it: the run continues that trace on any node. */
  traceparent?: string | null;
}

/** A `SealedBox` in JSON-friendly form (base64), for any queue backend. */
export interface SealedEvent {
  keyId: string;
  wrappedKey: string;
  ciphertext: string;
}

/** What became of a job: done (whatever the invocation's outcome), or to be run again later. */
export type JobVerdict = { done: true } | { done: false; retryInMs: number };

/** Never rejects: whatever happens to the run, it says whether the job is done. */
export type JobHandler = (job: InvocationJob) => Promise<JobVerdict>;

/**
 * Port: the durable queue of invocations nobody waits for. Delivery is at least once: a job
 * is leased to one worker at a time; if the worker stops renewing the lease (it died), the
 * job is delivered again after `AppConfig.delivery.jobLeaseSeconds`.
 */
export abstract class InvocationQueue {
  /** Resolves once the job is durably queued. */
  abstract enqueue(job: InvocationJob, delayMs?: number): Promise<void>;
  /** Starts running jobs on this node with the handler, `concurrency` at a time. */
  abstract startWorking(handler: JobHandler, concurrency: number): void;
  /**
   * Stops taking new jobs and resolves when the running ones have returned their verdicts
   * (the caller makes them return, e.g. by releasing them at the end of a grace period).
   */
  abstract stopWorking(): Promise<void>;
  /** Jobs waiting or delayed (not running): what a worker autoscaler looks at. */
  abstract depth(): Promise<number>;
}
