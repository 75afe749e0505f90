import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import { DomainError, FunctionNotReadyError, NotFoundError, ServiceUnavailableError, ThrottledError } from '@/kernel/errors/domain-error.js';
import { withRemoteParentSpan } from '@/kernel/telemetry/spans.js';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import type { Principal } from '@/kernel/identity/principal.js';
import type { InvocationErrorRecord } from '@/modules/executor/execution.types.js';
import type { AsyncPolicy } from '@/modules/versions/version.record.js';
import { FunctionLookup, type ResolvedFunction } from './function-lookup.service.js';
import { InvocationAdmission } from './invocation-admission.js';
import { type InvocationJob, InvocationQueue, type JobVerdict } from './invocation-queue.js';
import { QueuedEventSeal } from './queued-event-seal.js';
import type { InvocationEvent } from '@/modules/executor/execution.types.js';
import { FINAL_STATUSES, type InvocationRecord } from './invocation.record.js';
import { InvocationRecorder } from './invocation-recorder.js';
import { type Attempt, InvocationRunner } from './invocation-runner.js';
import { InvocationsService } from './invocations.service.js';
import { ContractValidators } from '@/modules/contracts/contract-validators.js';
import type { FunctionVersionRecord } from '@/modules/versions/version.record.js';
import { withOutputContract } from './output-contract.js';

/** A throttled job (no sandbox free on this node) tries again after about this long; it does not use up an attempt. */
const THROTTLED_RETRY_MS = 1000;
/** A job whose handling failed unexpectedly (e.g. storage down) is tried again after this long. */
const TROUBLED_RETRY_MS = 5000;

/**
 * Runs queued invocations on nodes with the worker role. Each job is one run of its
 * invocation: the record counts runs (`attempt`), so a job delivered again after its worker
 * died is a new run, and the function's async policy bounds them all. A run that fails
 * while attempts remain puts the invocation back in the queue (QUEUED, with the error and
 * the lines so far) after an exponential backoff; the last failure, or an event too old to
 * run, ends it DEAD_LETTERED. Destinations are invoked, queued, with the outcome.
 */
@Injectable()
export class InvocationWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger(InvocationWorker.name);
  private working = false;
  private depthProbe: NodeJS.Timeout | null = null;

  constructor(
    private readonly queue: InvocationQueue,
    private readonly recorder: InvocationRecorder,
    private readonly runner: InvocationRunner,
    private readonly lookup: FunctionLookup,
    private readonly invocations: InvocationsService,
    private readonly admission: InvocationAdmission,
    private readonly config: AppConfig,
    private readonly errors: UnexpectedErrors,
    private readonly seal: QueuedEventSeal,
    private readonly contracts: ContractValidators,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.delivery.role === 'api') return;
    this.queue.startWorking((job) => this.handle(job), this.config.delivery.workerConcurrency);
    this.working = true;
    this.depthProbe = setInterval(() => void this.reportDepth(), this.config.delivery.heartbeatSeconds * 1000);
    this.depthProbe.unref();
    this.logger.log(`Running queued invocations, ${this.config.delivery.workerConcurrency} at a time`);
  }

  /** Shutdown: takes no more jobs; resolves once the running ones have returned (finished, or released when cut). */
  async stop(): Promise<void> {
    if (!this.working) return;
    this.working = false;
    if (this.depthProbe) clearInterval(this.depthProbe);
    await this.queue.stopWorking();
  }

  private async reportDepth(): Promise<void> {
    const depth = await this.queue.depth().catch(() => null);
    if (depth !== null) this.runner.observe((o) => o.queueDepth(depth));
  }

  /** Counted by admission, so a shutdown waits for (or cuts) a job from the moment it is taken. */
  private handle(job: InvocationJob): Promise<JobVerdict> {
    return this.admission.track(this.judged(job));
  }

  private async judged(job: InvocationJob): Promise<JobVerdict> {
    try {
      return await withRemoteParentSpan('fngraph.run', job.traceparent, { 'fngraph.invocation.id': job.invocationId }, () => this.run(job));
    } catch (error) {
      this.errors.report(error, {
        source: 'invocation',
        where: `queued invocation ${job.invocationId}, tried again in ${TROUBLED_RETRY_MS} ms`,
        invocationId: job.invocationId,
      });
      return { done: false, retryInMs: TROUBLED_RETRY_MS };
    }
  }

  private async run(job: InvocationJob): Promise<JobVerdict> {
    const record = await this.recorder.find(job.invocationId);
    // Stored before it was queued, so a missing record was removed since.
    if (!record) return { done: true };
    if (FINAL_STATUSES.has(record.status)) {
      // Delivered again after it ended (its worker failed right after, e.g. storing it): its destination may not have
      // been sent. Sending is idempotent (keyed by the invocation), so send again.
      await this.resendDestination(record);
      return { done: true };
    }
    let resolved: ResolvedFunction;
    try {
      resolved = await this.lookup.resolve({ functionId: record.functionId }, record.version);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await this.end({ ...record, status: 'DEAD_LETTERED', error: { type: 'FunctionUnavailable', message: error.message }, finishedAt: new Date() }, null);
      return { done: true };
    }
    const policy = resolved.version.asyncPolicy;
    const age = Date.now() - record.queuedAt.getTime();
    if (policy.maxEventAgeSeconds !== null && age > policy.maxEventAgeSeconds * 1000) {
      const error = {
        type: 'EventTooOld',
        message: `Not run: queued ${Math.round(age / 1000)} s ago, longer than maxEventAgeSeconds (${policy.maxEventAgeSeconds})`,
      };
      await this.end({ ...record, status: 'DEAD_LETTERED', error, finishedAt: new Date() }, policy);
      return { done: true };
    }
    // A record left RUNNING was taken by a worker that died: that run counts too.
    if (record.attempt >= policy.maxAttempts) {
      await this.end({ ...record, status: 'DEAD_LETTERED', error: record.error ?? WORKER_LOST, finishedAt: new Date() }, policy);
      return { done: true };
    }
    const running: InvocationRecord = {
      ...record,
      status: 'RUNNING',
      attempt: record.attempt + 1,
      startedAt: new Date(),
      finishedAt: null,
      nodeId: this.config.nodeId,
    };
    this.recorder.update(running);
    this.runner.observe((o) => o.started(running));
    this.runner.announce(running);
    let event: InvocationEvent;
    try {
      event = this.seal.open(job);
    } catch (error) {
      // Sealed under a master key no longer configured (or damaged): it can never run.
      await this.end(
        { ...record, status: 'DEAD_LETTERED', error: { type: 'EventUnreadable', message: (error as Error).message }, finishedAt: new Date() },
        policy,
      );
      return { done: true };
    }
    const attempt = await this.runner.attempt(running, resolved.target, event);
    return this.judge(running, attempt, policy, resolved.version);
  }

  private async judge(running: InvocationRecord, attempt: Attempt, policy: AsyncPolicy, version: FunctionVersionRecord): Promise<JobVerdict> {
    // Cut by a shutdown, or no sandbox free here: the run does not count; another node (or this one, later) runs it.
    if (attempt.cut || attempt.failure instanceof ThrottledError) {
      const delay = attempt.cut ? 0 : THROTTLED_RETRY_MS;
      await this.runner.suspend(this.requeued(running, attempt, running.attempt - 1, running.error), attempt.log);
      return { done: false, retryInMs: delay };
    }
    if (attempt.failure !== undefined) {
      this.errors.report(attempt.failure, {
        source: 'invocation',
        where: `invocation ${running.id}`,
        functionName: running.functionName,
        invocationId: running.id,
      });
    }
    const result = attempt.outcome && { value: attempt.outcome.value, truncated: attempt.outcome.responseTruncated === true };
    const outcome = withOutputContract(this.runner.outcomeOf(running, attempt), version, result, this.contracts);
    if (outcome.status === 'SUCCEEDED') {
      await this.runner.finish(outcome, attempt.log);
      await this.sendTo(policy.onSuccess, outcome);
      return { done: true };
    }
    if (running.attempt < policy.maxAttempts) {
      await this.runner.suspend(this.requeued(running, attempt, running.attempt, outcome.error), attempt.log);
      return { done: false, retryInMs: policy.retryBackoffSeconds * 1000 * 2 ** (running.attempt - 1) };
    }
    await this.end({ ...outcome, status: 'DEAD_LETTERED', error: lastError(outcome) }, policy);
    return { done: true };
  }

  private requeued(running: InvocationRecord, attempt: Attempt, runs: number, error: InvocationErrorRecord | null): InvocationRecord {
    return { ...running, status: 'QUEUED', attempt: runs, error, nodeId: null, logs: attempt.log.lines, logsTruncated: attempt.log.truncated };
  }

  /** Ends an invocation that will not run (again): stored, announced, and sent to its failure destination. */
  private async end(final: InvocationRecord, policy: AsyncPolicy | null): Promise<void> {
    await this.recorder.commit(final);
    this.runner.announce(final);
    this.runner.observe((o) => o.finished(final));
    if (policy) await this.sendTo(policy.onFailure, final);
  }

  private async resendDestination(final: InvocationRecord): Promise<void> {
    if (final.status === 'REJECTED') return;
    const policy = await this.lookup
      .resolve({ functionId: final.functionId }, final.version)
      .then((resolved) => resolved.version.asyncPolicy)
      .catch(unlessGone);
    if (policy) await this.sendTo(final.status === 'SUCCEEDED' ? policy.onSuccess : policy.onFailure, final);
  }

  /**
   * Invokes a destination function, queued, with the outcome, on behalf of the source
   * function's owner. Only a function of the same owner, or a public one, may be a
   * destination: anything else would let a function reach what its owner cannot.
   */
  private async sendTo(destination: string | null, source: InvocationRecord): Promise<void> {
    if (destination === null) return;
    // A store that fails now is not a missing function: that throws, and the job is retried (sending is idempotent).
    const owner = (await this.lookup.findFunction({ functionId: source.functionId }).catch(unlessGone))?.ownerId ?? null;
    const target = await this.lookup.findFunction({ name: destination }).catch(unlessGone);
    if (!target || !(target.permissions.public || (owner !== null && target.ownerId === owner))) {
      this.logger.warn(`Destination ${destination} of invocation ${source.id} was not invoked: no such function of the same owner, nor a public one`);
      return;
    }
    const principal: Principal = { kind: 'apiKey', subject: owner ?? 'system:destinations', roles: ['invoker'] };
    const body = {
      source: { invocationId: source.id, functionName: source.functionName, version: source.version, attempt: source.attempt },
      status: source.status,
      response: source.response,
      error: source.error,
    };
    try {
      await this.invocations.invoke({
        ref: { name: destination },
        trigger: 'DESTINATION',
        async: true,
        principal,
        event: { method: 'POST', path: '/', headers: { 'content-type': 'application/json' }, query: {}, body: JSON.stringify(body), isBase64Encoded: false },
        // Per run of the source: a re-driven invocation's new outcome is sent too.
        idempotencyKey: `destination:${source.id}:${source.queuedAt.getTime()}`,
      });
    } catch (error) {
      if (error instanceof ServiceUnavailableError || !(error instanceof DomainError)) throw error;
      this.logger.warn(`Destination ${destination} of invocation ${source.id} was not invoked: ${error.message}`);
    }
  }
}

/** Null for a function that is gone (nothing to send to, nothing to retry); any other failure is thrown. */
function unlessGone(error: unknown): null {
  if (error instanceof NotFoundError || error instanceof FunctionNotReadyError) return null;
  throw error;
}

const WORKER_LOST: InvocationErrorRecord = { type: 'WorkerLost', message: 'The node running it stopped before it finished' };

/** The error a dead-lettered invocation keeps: its last run's, or what that run's status says. */
function lastError(outcome: InvocationRecord): InvocationErrorRecord {
  return outcome.error ?? { type: outcome.status, message: `The last attempt ended ${outcome.status}` };
}
