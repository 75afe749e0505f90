import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { DomainError, NotFoundError, ThrottledError, UnauthenticatedError } from '@/kernel/errors/domain-error.js';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import { newId } from '@/kernel/ids/new-id.js';
import type { PageRequest, PageResult } from '@/kernel/pagination/page.js';
import { AppConfig } from '@/kernel/config/app-config.js';
import { EventBus } from '@/kernel/events/event-bus.js';
import type { RequestContext } from '@/kernel/telemetry/request-context.js';
import { markFailed, startSpan, traceIdOf, traceparentOf, withSpan } from '@/kernel/telemetry/spans.js';
import { FunctionAccessPolicy } from '@/modules/functions/function-access.policy.js';
import { isAdmin, isAuthenticated, type Principal } from '@/kernel/identity/principal.js';
import type { FunctionRecord } from '@/modules/functions/function.record.js';
import { FunctionsService } from '@/modules/functions/functions.service.js';
import { RateLimitsService } from '@/modules/limits/rate-limits.service.js';
import type { ExecutionOutcome, ExecutionTarget, InvocationEvent } from '@/modules/executor/execution.types.js';
import { ExecutorService } from '@/modules/executor/executor.service.js';
import { type FunctionRef, FunctionLookup } from './function-lookup.service.js';
import { functionInvocationsChannel, type InvocationUpdatedEvent, invocationUpdatedChannel, serializeInvocation } from './invocation.channels.js';
import { InvocationLogsService } from './invocation-logs.service.js';
import { InvocationObserver, type SandboxAcquired } from './invocation-observer.js';
import { storedRequest } from './invocation-request.js';
import type { InvocationFilter, InvocationRecord, InvocationTrigger } from './invocation.record.js';
import { InvocationRecorder } from './invocation-recorder.js';
import { InvocationRepository } from './invocation.repository.js';

/** Results larger than this are returned to the caller but not kept on the record. */
const STORED_RESPONSE_BYTES = 256 * 1024;

export interface InvokeCommand {
  ref: FunctionRef;
  /** A pinned version; the latest when absent. */
  version?: string;
  trigger: InvocationTrigger;
  event: InvocationEvent;
  /** Who invokes: checked against the function's permissions; recorded as `callerId`. */
  principal: Principal;
  /** Return the QUEUED record at once and run in the background. */
  async?: boolean;
  /** The HTTP request this invocation serves: its log context, and its trace id when tracing is off. */
  origin?: RequestContext;
}

/**
 * The invocation path: resolve → record → execute in a sandbox → record the outcome.
 * Every invocation that passes access and rate checks is recorded, those throttled for want
 * of a sandbox as REJECTED; calls refused before (unknown function, permissions, rate
 * limits, quotas) get an error and no record. Each step is a span of the invocation's
 * trace, whose id is kept on the record and handed to the function.
 */
@Injectable()
export class InvocationsService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(InvocationsService.name);
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly lookup: FunctionLookup,
    private readonly executor: ExecutorService,
    private readonly invocations: InvocationRepository,
    private readonly recorder: InvocationRecorder,
    private readonly logs: InvocationLogsService,
    private readonly events: EventBus,
    private readonly config: AppConfig,
    private readonly policy: FunctionAccessPolicy,
    private readonly limits: RateLimitsService,
    private readonly functions: FunctionsService,
    private readonly observer: InvocationObserver,
    private readonly errors: UnexpectedErrors,
  ) {}

  invoke(command: InvokeCommand): Promise<InvocationRecord> {
    const trigger = command.async && command.trigger !== 'SCHEDULE' ? 'ASYNC' : command.trigger;
    return withSpan('fngraph.invoke', { 'fngraph.trigger': trigger }, (span) => this.start(command, span));
  }

  async getById(id: string): Promise<InvocationRecord> {
    const record = await this.recorder.find(id);
    if (!record) throw new NotFoundError('Invocation', id);
    return record;
  }

  list(filter: InvocationFilter, page: PageRequest): Promise<PageResult<InvocationRecord>> {
    return this.invocations.list(filter, page);
  }

  findByIds(ids: readonly string[]): Promise<InvocationRecord[]> {
    return this.invocations.findByIds(ids);
  }

  latestByFunctionIds(functionIds: readonly string[]): Promise<InvocationRecord[]> {
    return this.invocations.latestByFunctionIds(functionIds);
  }

  /** An invocation the principal may read (see `FunctionAccessPolicy.canReadInvocation`); NOT_FOUND otherwise. */
  async getReadable(principal: Principal, id: string): Promise<InvocationRecord> {
    const record = await this.recorder.find(id);
    if (!record || !(await this.canRead(principal, record))) throw new NotFoundError('Invocation', id);
    return record;
  }

  /** Re-checked on every log event of a subscription: permissions may change meanwhile. */
  async canRead(principal: Principal, invocation: Pick<InvocationRecord, 'functionId' | 'callerId'>): Promise<boolean> {
    if (isAdmin(principal)) return true;
    if (this.policy.canReadInvocation(principal, null, invocation)) return true;
    const fn = await this.functionFor(invocation.functionId);
    return this.policy.canReadInvocation(principal, fn, invocation);
  }

  /**
   * For subscriptions on a whole function (`functionLogs`, `invocationUpdated(functionId)`,
   * `functionMetrics`): every caller's activity, so the right to read all its invocations.
   * Call it at the start (it throws NOT_FOUND like a missing function) and, through
   * `guardedStream`, before every event.
   */
  async canReadFunctionActivity(principal: Principal, functionId: string): Promise<boolean> {
    if (isAdmin(principal)) return true;
    const fn = await this.functionFor(functionId);
    return fn !== null && this.policy.functionAccess(principal, fn).readInvocations;
  }

  async assertCanReadFunctionActivity(principal: Principal, functionId: string): Promise<void> {
    if (!(await this.canReadFunctionActivity(principal, functionId))) throw new NotFoundError('Function', functionId);
  }

  /**
   * Admins see every invocation; with `functionId`, whoever may read that function's
   * invocations sees them all and whoever may only see or invoke it sees their own;
   * without it, everyone else sees their own.
   */
  async listReadable(principal: Principal, filter: InvocationFilter, page: PageRequest): Promise<PageResult<InvocationRecord>> {
    if (isAdmin(principal)) return this.invocations.list(filter, page);
    if (!isAuthenticated(principal)) throw new UnauthenticatedError();
    const own = { ...filter, callerId: principal.subject };
    if (filter.functionId === undefined) return this.invocations.list(own, page);
    const fn = await this.functions.findByIds([filter.functionId]).then((found) => found[0] ?? null);
    const access = fn ? this.policy.functionAccess(principal, fn) : null;
    if (!access?.visible) throw new NotFoundError('Function', filter.functionId);
    return this.invocations.list(access.readInvocations ? filter : own, page);
  }

  /**
   * Lets running invocations finish and be recorded before the process exits; after the
   * grace period their sandboxes are killed, so they end (as failed) and are recorded too.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const allDone = Promise.allSettled([...this.inFlight]);
    const grace = new Promise((resolve) => setTimeout(resolve, this.config.shutdownGraceSeconds * 1000).unref());
    if ((await Promise.race([allDone.then(() => 'done'), grace])) !== 'done') {
      this.logger.warn(`Stopping ${this.inFlight.size} invocation(s) still running after the shutdown grace period`);
      this.executor.killAll();
      await allDone;
    }
    await this.recorder.flush();
  }

  /** The current record of a function (cached for active ones; deleted ones from storage). */
  private async functionFor(functionId: string): Promise<FunctionRecord | null> {
    try {
      return await this.lookup.findFunction({ functionId });
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      return (await this.functions.findByIds([functionId]))[0] ?? null;
    }
  }
  private async start(command: InvokeCommand, span: Span): Promise<InvocationRecord> {
    const found = await withSpan('fngraph.resolve', {}, () => this.lookup.findFunction(command.ref));
    await withSpan('fngraph.authorize', {}, async () => {
      this.policy.assertCanInvoke(command.principal, found, 'functionId' in command.ref ? command.ref.functionId : command.ref.name);
      await this.limits.consumeInvocation(found);
    });
    const { function: fn, version, target } = await withSpan('fngraph.resolve.version', {}, () => this.lookup.resolveVersion(found, command.version));
    const { request, truncated } = storedRequest(command.event);
    const record: InvocationRecord = {
      id: newId(),
      functionId: fn.id,
      functionName: fn.name,
      versionId: version.id,
      version: version.version,
      trigger: command.async && command.trigger !== 'SCHEDULE' ? 'ASYNC' : command.trigger,
      callerId: command.principal.subject,
      status: command.async ? 'QUEUED' : 'RUNNING',
      request,
      requestTruncated: truncated,
      response: null,
      responseTruncated: false,
      error: null,
      coldStart: null,
      durationMs: null,
      initDurationMs: null,
      memoryPeakBytes: null,
      cpuTimeMs: null,
      queuedAt: new Date(),
      startedAt: command.async ? null : new Date(),
      finishedAt: null,
      traceId: traceIdOf(span, command.origin?.traceId),
      logs: [],
      logsTruncated: false,
      nodeId: command.async ? null : this.config.nodeId,
    };
    span.setAttributes({
      'fngraph.invocation.id': record.id,
      'fngraph.function.id': fn.id,
      'fngraph.function.name': fn.name,
      'fngraph.function.version': version.version,
    });
    // An async invocation's id goes back to the caller at once, who may ask any node about
    // it: its record must be stored first. A synchronous one is recorded behind the run.
    if (command.async) await withSpan('fngraph.record', { 'fngraph.step': 'insert' }, () => this.recorder.saveNow(record));
    else {
      const span = startSpan('fngraph.record', { 'fngraph.step': 'insert' });
      this.recorder.saveProvisionally(record);
      span.end();
    }
    this.observe((o) => o.started(record, command.origin));
    this.announce(record);
    if (!command.async) return this.track(this.runObserved(record, target, command.event));
    void this.track(this.runQueued(record, target, command.event));
    return record;
  }

  private async runQueued(record: InvocationRecord, target: ExecutionTarget, event: InvocationEvent): Promise<void> {
    const running: InvocationRecord = { ...record, status: 'RUNNING', startedAt: new Date(), nodeId: this.config.nodeId };
    this.recorder.save(running);
    this.announce(running);
    await this.runObserved(running, target, event).catch((error: unknown) => {
      // Nobody waits for an async invocation: its failure would reach no one else.
      if (!(error instanceof DomainError)) {
        this.errors.report(error, { source: 'invocation', where: `invocation ${record.id}`, functionName: record.functionName, invocationId: record.id });
      }
    });
  }

  /** `run`, telling the observer how it ended. */
  private async runObserved(record: InvocationRecord, target: ExecutionTarget, event: InvocationEvent): Promise<InvocationRecord> {
    let finished: InvocationRecord | undefined;
    try {
      return await this.run(record, target, event, (final) => (finished = final));
    } catch (error) {
      if (!finished) this.observe((o) => o.abandoned(record, error));
      throw error;
    } finally {
      if (finished) this.observe((o) => o.finished(finished as InvocationRecord));
    }
  }

  private async run(
    record: InvocationRecord,
    target: ExecutionTarget,
    event: InvocationEvent,
    onFinished: (finished: InvocationRecord) => void,
  ): Promise<InvocationRecord> {
    const log = this.logs.open(record.id, record.functionId);
    let outcome: ExecutionOutcome;
    try {
      outcome = await withSpan('fngraph.execute', { 'fngraph.executor': this.executor.driverKind }, (span) => this.execute(record, target, event, log, span));
    } catch (error) {
      if (!(error instanceof ThrottledError)) throw error;
      onFinished(this.finish(record, log, { status: 'REJECTED', error: { type: 'Throttled', message: error.message }, finishedAt: new Date() }));
      throw error;
    }
    const finished = this.finish(record, log, {
      status: outcome.status,
      ...storedResponse(outcome.value),
      error: outcome.error ?? null,
      coldStart: outcome.coldStart,
      durationMs: outcome.durationMs,
      initDurationMs: outcome.initDurationMs,
      memoryPeakBytes: outcome.memoryPeakBytes,
      cpuTimeMs: outcome.cpuTimeMs,
      finishedAt: new Date(),
    });
    onFinished(finished);
    // The caller gets the whole result even when the record keeps only a marker.
    return { ...finished, response: outcome.value ?? null };
  }

  /**
   * Hands the event to the executor, with spans for the sandbox acquisition (ended when a
   * sandbox is assigned) and the run in it (from then to the answer).
   */
  private async execute(
    record: InvocationRecord,
    target: ExecutionTarget,
    event: InvocationEvent,
    log: ReturnType<InvocationLogsService['open']>,
    span: Span,
  ): Promise<ExecutionOutcome> {
    const acquire = startSpan('fngraph.sandbox.acquire');
    let acquired = false;
    let running: Span | undefined;
    try {
      const outcome = await this.executor.execute(target, {
        invocationId: record.id,
        event,
        context: {
          invocationId: record.id,
          functionName: record.functionName,
          version: record.version,
          deadlineMs: Date.now() + target.timeoutMs,
          traceId: record.traceId,
          traceparent: record.traceId ? traceparentOf(span, record.traceId) : null,
        },
        onLog: (stream, message) => this.logs.append(log, stream, message),
        onSandboxAcquired: (sandbox: SandboxAcquired) => {
          acquired = true;
          acquire.setAttribute('fngraph.sandbox.cold', sandbox.cold);
          acquire.end();
          running = startSpan('fngraph.sandbox.run', { 'fngraph.sandbox.cold': sandbox.cold });
          this.observe((o) => o.sandboxAcquired(record, sandbox));
        },
      });
      span.setAttributes({ 'fngraph.invocation.status': outcome.status, 'fngraph.sandbox.cold': outcome.coldStart });
      if (outcome.status !== 'SUCCEEDED') {
        // The function's failure, not the platform's: a status, no exception event.
        const status = { code: SpanStatusCode.ERROR, message: `${outcome.status}: ${outcome.error?.type ?? 'Error'}` };
        span.setStatus(status);
        (running ?? acquire).setStatus(status);
      }
      return outcome;
    } catch (error) {
      markFailed(running ?? acquire, error);
      throw error;
    } finally {
      if (!acquired) acquire.end();
      running?.end();
    }
  }

  private finish(record: InvocationRecord, log: ReturnType<InvocationLogsService['open']>, outcome: Partial<InvocationRecord>): InvocationRecord {
    const finished: InvocationRecord = { ...record, ...outcome, logs: log.lines, logsTruncated: log.truncated };
    // Recorded before the live stream ends: a subscriber resynchronising finds every line.
    // The span covers handing the record to the recorder, which writes it a moment later.
    const span = startSpan('fngraph.record', { 'fngraph.step': 'finish', 'fngraph.invocation.status': finished.status });
    this.recorder.save(finished);
    span.end();
    this.logs.close(log);
    this.announce(finished);
    return finished;
  }

  private announce(record: InvocationRecord): void {
    const channels = [invocationUpdatedChannel(record.id), functionInvocationsChannel(record.functionId)].filter((channel) =>
      this.events.mayHaveSubscribers(channel),
    );
    if (channels.length === 0) return;
    const event: InvocationUpdatedEvent = { invocation: serializeInvocation(record) };
    for (const channel of channels) void this.events.publish(channel, event);
  }

  /** Observers watch; they never break an invocation. */
  private observe(call: (observer: InvocationObserver) => void): void {
    try {
      call(this.observer);
    } catch (error) {
      this.errors.report(error, { source: 'invocation', where: 'an invocation observer' });
    }
  }

  private track<T>(task: Promise<T>): Promise<T> {
    this.inFlight.add(task);
    const forget = () => this.inFlight.delete(task);
    task.then(forget, forget);
    return task;
  }
}

function storedResponse(value: unknown): Pick<InvocationRecord, 'response' | 'responseTruncated'> {
  if (value === undefined) return { response: null, responseTruncated: false };
  const size = Buffer.byteLength(JSON.stringify(value) ?? '');
  return size <= STORED_RESPONSE_BYTES ? { response: value, responseTruncated: false } : { response: null, responseTruncated: true };
}
