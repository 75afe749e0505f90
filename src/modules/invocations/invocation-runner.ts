import { Injectable } from '@nestjs/common';
import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { ThrottledError } from '@/kernel/errors/domain-error.js';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import { EventBus } from '@/kernel/events/event-bus.js';
import { markFailed, startSpan, traceparentOf, withSpan } from '@/kernel/telemetry/spans.js';
import type { ExecutionOutcome, ExecutionTarget, InvocationErrorRecord, InvocationEvent, ResponseSink } from '@/modules/executor/execution.types.js';
import { ExecutorService } from '@/modules/executor/executor.service.js';
import { functionInvocationsChannel, type InvocationUpdatedEvent, invocationUpdatedChannel, serializeInvocation } from './invocation.channels.js';
import { InvocationLogsService } from './invocation-logs.service.js';
import { InvocationObserver, type SandboxAcquired } from './invocation-observer.js';
import type { InvocationRecord } from './invocation.record.js';
import { InvocationRecorder } from './invocation-recorder.js';
import type { LiveLog } from './live-log.js';

/** Results larger than this are returned to the caller but not kept on the record. */
const STORED_RESPONSE_BYTES = 256 * 1024;

/** How one run in a sandbox ended, before anyone decided what it means for the record. */
export interface Attempt {
  log: LiveLog;
  /** The sandbox's answer; absent when the platform could not run it (`failure`). */
  outcome?: ExecutionOutcome;
  /** Why there is no outcome: throttled, sandbox start failure, shutdown, … */
  failure?: unknown;
  /** The run was cut by a shutdown that could not wait for it. */
  cut: boolean;
}

/** The error a record keeps when the server stopped before its run could finish. */
export const SHUTDOWN_ERROR: InvocationErrorRecord = { type: 'Shutdown', message: 'The server stopped before the invocation finished' };

/** What a record says when the platform failed to run it (the details go to the error report, not to the caller). */
const PLATFORM_ERROR: InvocationErrorRecord = { type: 'PlatformError', message: 'fngraph could not run the invocation' };

/**
 * Runs recorded invocations in sandboxes and ends their records: the steps shared by calls
 * a client waits for and queued ones. Each run is a span of the invocation's trace; every
 * state change is recorded, announced to subscribers and shown to the observer.
 */
@Injectable()
export class InvocationRunner {
  private readonly running = new Set<Promise<unknown>>();
  private cutting = false;

  constructor(
    private readonly executor: ExecutorService,
    private readonly recorder: InvocationRecorder,
    private readonly logs: InvocationLogsService,
    private readonly events: EventBus,
    private readonly observer: InvocationObserver,
    private readonly errors: UnexpectedErrors,
  ) {}

  /** Runs in flight on this node. */
  get inFlight(): number {
    return this.running.size;
  }

  /**
   * One run of a RUNNING record; never throws. The log goes on from the lines of earlier runs.
   * A response the function streams goes to `onResponse` as it is produced.
   */
  attempt(record: InvocationRecord, target: ExecutionTarget, event: InvocationEvent, onResponse?: ResponseSink): Promise<Attempt> {
    const log = this.logs.open(record.id, record.functionId, record.logs);
    // After the cut nothing starts: it comes back cut at once.
    if (this.cutting) return Promise.resolve({ log, cut: true });
    const run = withSpan('fngraph.execute', { 'fngraph.executor': this.executor.driverKind }, (span) =>
      this.execute(record, target, event, log, span, onResponse),
    ).then(
      // A run that succeeded just as the cut came is not cut: its caller gets its answer.
      (outcome): Attempt => ({ log, outcome, cut: this.cutting && outcome.status !== 'SUCCEEDED' }),
      (failure: unknown): Attempt => ({ log, failure, cut: this.cutting }),
    );
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return run;
  }

  /** Shutdown, past the grace period: ends the runs still going (they come back `cut`). */
  async cutAll(): Promise<void> {
    this.cutting = true;
    this.executor.killAll();
    await Promise.allSettled([...this.running]);
  }

  /** The record as its run left it (outcome or platform failure), not yet stored. */
  outcomeOf(record: InvocationRecord, attempt: Attempt): InvocationRecord {
    const ended = { ...record, logs: attempt.log.lines, logsTruncated: attempt.log.truncated, finishedAt: new Date() };
    if (attempt.cut) return { ...ended, status: 'FAILED', error: SHUTDOWN_ERROR };
    const outcome = attempt.outcome;
    if (attempt.failure instanceof ThrottledError) return { ...ended, status: 'REJECTED', error: { type: 'Throttled', message: attempt.failure.message } };
    if (!outcome) return { ...ended, status: 'FAILED', error: PLATFORM_ERROR };
    return {
      ...ended,
      status: outcome.status,
      ...storedResponse(outcome.value, outcome.responseTruncated === true),
      error: outcome.error ?? null,
      coldStart: outcome.coldStart,
      durationMs: outcome.durationMs,
      initDurationMs: outcome.initDurationMs,
      memoryPeakBytes: outcome.memoryPeakBytes,
      cpuTimeMs: outcome.cpuTimeMs,
    };
  }

  /**
   * Stores a final state and resolves once it is durable; then ends the live log and tells
   * subscribers and the observer. The live stream ends after the record is stored, so a
   * subscriber resynchronising finds every line.
   */
  async finish(final: InvocationRecord, log: LiveLog): Promise<void> {
    const span = startSpan('fngraph.record', { 'fngraph.step': 'finish', 'fngraph.invocation.status': final.status });
    try {
      await this.recorder.commit(final);
      this.observe((o) => o.finished(final));
    } catch (error) {
      this.observe((o) => o.abandoned(final, error));
      throw error;
    } finally {
      span.end();
      this.logs.close(log);
      this.announce(final);
    }
  }

  /**
   * A state that is not the end (queued again for a retry): its lines are kept, the live log
   * is left open for the next run. Stored before it resolves: the next run, maybe on another
   * node, starts from it.
   */
  async suspend(record: InvocationRecord, log: LiveLog): Promise<void> {
    await this.recorder.commit(record);
    this.logs.suspend(log);
    this.announce(record);
    this.observe((o) => o.suspended(record));
  }

  announce(record: InvocationRecord): void {
    const channels = [invocationUpdatedChannel(record.id), functionInvocationsChannel(record.functionId)].filter((channel) =>
      this.events.mayHaveSubscribers(channel),
    );
    if (channels.length === 0) return;
    const event: InvocationUpdatedEvent = { invocation: serializeInvocation(record) };
    for (const channel of channels) void this.events.publish(channel, event);
  }

  /** Observers watch; they never break an invocation. */
  observe(call: (observer: InvocationObserver) => void): void {
    try {
      call(this.observer);
    } catch (error) {
      this.errors.report(error, { source: 'invocation', where: 'an invocation observer' });
    }
  }

  /**
   * Hands the event to the executor, with spans for the sandbox acquisition (ended when a
   * sandbox is assigned) and the run in it (from then to the answer).
   */
  private async execute(
    record: InvocationRecord,
    target: ExecutionTarget,
    event: InvocationEvent,
    log: LiveLog,
    span: Span,
    onResponse: ResponseSink | undefined,
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
        onResponse,
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
}

/** `cut`: the value is already the start of a longer response (streamed), kept as such. */
function storedResponse(value: unknown, cut: boolean): Pick<InvocationRecord, 'response' | 'responseTruncated'> {
  if (value === undefined) return { response: null, responseTruncated: cut };
  const size = Buffer.byteLength(JSON.stringify(value) ?? '');
  return size <= STORED_RESPONSE_BYTES ? { response: value, responseTruncated: cut } : { response: null, responseTruncated: true };
}
