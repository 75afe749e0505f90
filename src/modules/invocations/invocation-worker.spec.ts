import { Logger } from '@nestjs/common';
import { afterEach, beforeEach, describe, expect, it, type Mocked, vi } from 'vitest';
import { AppConfig } from '@/kernel/config/app-config.js';
import { FunctionNotReadyError, NotFoundError, ForbiddenError, ServiceUnavailableError, ThrottledError } from '@/kernel/errors/domain-error.js';
import { EventBus } from '@/kernel/events/event-bus.js';
import type { ExecutionOutcome, ExecutionTarget, InvocationEvent } from '@/modules/executor/execution.types.js';
import { ExecutorService } from '@/modules/executor/executor.service.js';
import type { FunctionRecord } from '@/modules/functions/function.record.js';
import type { AsyncPolicy, FunctionVersionRecord } from '@/modules/versions/version.record.js';
import { automock } from '../../../test/support/automock.js';
import { RecordedErrors } from '../../../test/support/recorded-errors.js';
import { FunctionLookup } from './function-lookup.service.js';
import { InvocationLogsService } from './invocation-logs.service.js';
import { InvocationObserver } from './invocation-observer.js';
import { type InvocationJob, InvocationQueue, type JobHandler } from './invocation-queue.js';
import type { InvocationRecord } from './invocation.record.js';
import { InvocationRecorder } from './invocation-recorder.js';
import { InvocationAdmission } from './invocation-admission.js';
import { InvocationRunner } from './invocation-runner.js';
import { InvocationWorker } from './invocation-worker.js';
import { InvocationsService } from './invocations.service.js';
import { LiveLog } from './live-log.js';
import { PlainTestCipher } from '../../../test/support/plain-cipher.js';
import { QueuedEventSeal } from './queued-event-seal.js';
import { ContractValidators } from '@/modules/contracts/contract-validators.js';

const config = AppConfig.fromEnvironment({ NODE_ENV: 'test', FNGRAPH_NODE_ID: 'node-a', FNGRAPH_WORKER_CONCURRENCY: '4' });

const fn = { id: 'f-1', name: 'greet', ownerId: 'dora', permissions: { public: false, allowedUsers: [], executionRoles: [] } } as unknown as FunctionRecord;
/** Destinations: `audit` and `alert` are dora's (the source function's owner), `billing` is mallory's, `webhook` is mallory's but public. */
const audit = { ...fn, id: 'f-audit', name: 'audit' };
const alert = { ...fn, id: 'f-alert', name: 'alert' };
const billing = { ...fn, id: 'f-billing', name: 'billing', ownerId: 'mallory' };
const webhook = { ...fn, id: 'f-webhook', name: 'webhook', ownerId: 'mallory', permissions: { ...fn.permissions, public: true } };
const target = { versionId: 'v-1', functionId: 'f-1', functionName: 'greet', version: '1.2.0', timeoutMs: 5000 } as ExecutionTarget;
const event: InvocationEvent = {
  method: 'POST',
  path: '/',
  headers: { authorization: 'Bearer secret' },
  query: {},
  body: '{"name":"Ada"}',
  isBase64Encoded: false,
};
const job: InvocationJob = { invocationId: 'i-1', sealedEvent: new QueuedEventSeal(new PlainTestCipher()).seal(event) };
const succeeded: ExecutionOutcome = {
  status: 'SUCCEEDED',
  value: { greeting: 'Hello, Ada' },
  coldStart: false,
  initDurationMs: null,
  durationMs: 3,
  memoryPeakBytes: 4096,
  cpuTimeMs: 2,
};
const typeError = { type: 'TypeError', message: 'x is undefined' };
const failed: ExecutionOutcome = { ...succeeded, status: 'FAILED', value: undefined, error: typeError };

const basePolicy: AsyncPolicy = { maxAttempts: 3, retryBackoffSeconds: 2, maxEventAgeSeconds: 3600, onSuccess: null, onFailure: null };

function queuedRecord(overrides: Partial<InvocationRecord> = {}): InvocationRecord {
  return {
    id: 'i-1',
    functionId: 'f-1',
    functionName: 'greet',
    versionId: 'v-1',
    version: '1.2.0',
    alias: null,
    trigger: 'ASYNC',
    callerId: 'ivan',
    status: 'QUEUED',
    request: { ...event, headers: { authorization: '[redacted]' } },
    requestTruncated: false,
    response: null,
    responseTruncated: false,
    error: null,
    coldStart: null,
    durationMs: null,
    initDurationMs: null,
    memoryPeakBytes: null,
    cpuTimeMs: null,
    queuedAt: new Date(),
    startedAt: null,
    finishedAt: null,
    traceId: null,
    logs: [],
    logsTruncated: false,
    nodeId: null,
    attempt: 0,
    queued: true,
    comparedWith: null,
    contractViolations: [],
    ...overrides,
  };
}

/** A promise settled from outside: lets a test hold a run and act meanwhile. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Destinations are keyed per run of the source (its queuedAt), so a re-driven invocation's outcome is sent too. */
const DESTINATION_KEY = expect.stringMatching(/^destination:i-1:\d+$/);

describe(InvocationWorker.name, () => {
  let queue: Mocked<InvocationQueue>;
  let recorder: Mocked<InvocationRecorder>;
  let lookup: Mocked<FunctionLookup>;
  let invocations: Mocked<InvocationsService>;
  let executor: Mocked<ExecutorService>;
  let logs: Mocked<InvocationLogsService>;
  let events: Mocked<EventBus>;
  let observer: Mocked<InvocationObserver>;
  let errors: RecordedErrors;
  let runner: InvocationRunner;
  let admission: Mocked<InvocationAdmission>;
  let warn: ReturnType<typeof vi.spyOn>;
  const started: InvocationWorker[] = [];

  function worker(on: AppConfig = config): InvocationWorker {
    return new InvocationWorker(
      queue,
      recorder,
      runner,
      lookup,
      invocations,
      admission,
      on,
      errors,
      new QueuedEventSeal(new PlainTestCipher()),
      new ContractValidators(),
    );
  }

  beforeEach(() => {
    queue = automock(InvocationQueue, { methods: ['enqueue', 'startWorking', 'stopWorking', 'depth'] });
    recorder = automock(InvocationRecorder);
    lookup = automock(FunctionLookup);
    invocations = automock(InvocationsService);
    executor = automock(ExecutorService, { properties: { driverKind: 'process' } });
    logs = automock(InvocationLogsService);
    events = automock(EventBus, { methods: ['publish', 'mayHaveSubscribers', 'subscribe'] });
    observer = automock(InvocationObserver, { methods: ['started', 'sandboxAcquired', 'finished', 'abandoned', 'suspended', 'queueDepth', 'recordBacklog'] });
    errors = new RecordedErrors();
    runner = new InvocationRunner(executor, recorder, logs, events, observer, errors);
    admission = automock(InvocationAdmission);
    admission.track.mockImplementation((work) => work);

    vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    observer.started.mockReturnValue();
    observer.finished.mockReturnValue();
    observer.suspended.mockReturnValue();
    observer.abandoned.mockReturnValue();
    events.mayHaveSubscribers.mockReturnValue(false);
  });

  afterEach(async () => {
    // Started workers probe the queue depth on a timer: stop them, so no probe lands in a later test.
    queue.stopWorking.mockResolvedValue();
    for (const sut of started.splice(0)) await sut.stop();
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  /** Starts a worker and returns the handler it gave the queue: what the queue calls with each job. */
  function handlerOf(sut: InvocationWorker = worker()): JobHandler {
    queue.startWorking.mockReturnValue();
    sut.onApplicationBootstrap();
    started.push(sut);
    return queue.startWorking.mock.calls[0]![0];
  }

  /** A job whose record is `record`, for a function whose version has `policy`; runs collect their output. */
  function runnable(record: InvocationRecord, policy: Partial<AsyncPolicy> = {}): void {
    recorder.find.mockResolvedValue(record);
    const version = { id: 'v-1', version: '1.2.0', asyncPolicy: { ...basePolicy, ...policy } } as FunctionVersionRecord;
    lookup.resolve.mockResolvedValue({ function: fn, version, target });
    recorder.update.mockReturnValue();
    recorder.commit.mockResolvedValue();
    logs.open.mockImplementation((invocationId, functionId, earlier) => new LiveLog(invocationId, functionId, 100, 1024, earlier));
    logs.append.mockImplementation((log, stream, message) => log.append(stream, message) !== null);
    logs.close.mockReturnValue();
    logs.suspend.mockReturnValue();
  }

  /** The lookup finds the source function (by id) and these destinations (by name); any other name is NOT_FOUND. */
  function destinations(source: FunctionRecord | null = fn, ...named: FunctionRecord[]): void {
    lookup.findFunction.mockImplementation(async (ref) => {
      const found = 'functionId' in ref ? (ref.functionId === source?.id ? source : undefined) : [audit, alert, ...named].find(({ name }) => name === ref.name);
      if (!found) throw new NotFoundError('Function', 'functionId' in ref ? ref.functionId : ref.name);
      return found;
    });
  }

  const updated = () => recorder.update.mock.calls.map(([record]) => record);
  const committed = () => recorder.commit.mock.calls.map(([record]) => record);

  describe('lifecycle', () => {
    it('takes jobs from the queue, as many at once as configured, and stops taking them on stop', async () => {
      const sut = worker();
      handlerOf(sut);
      expect(queue.startWorking).toHaveBeenCalledWith(expect.any(Function), 4);

      queue.stopWorking.mockResolvedValue();
      await sut.stop();
      await sut.stop();
      expect(queue.stopWorking).toHaveBeenCalledTimes(1);
    });

    it('counts each job with admission from the moment it is taken until its verdict', async () => {
      const handle = handlerOf();
      recorder.find.mockResolvedValueOnce(null);

      const handling = handle(job);

      expect(admission.track).toHaveBeenCalledTimes(1);
      expect(admission.track.mock.results[0]!.value).toBe(handling);
      await expect(admission.track.mock.calls[0]![0]).resolves.toEqual({ done: true });
      // Strict mocks: a queued job is not refused by admission (the queue stops handing them out instead).
      expect(admission.assertAccepting).not.toHaveBeenCalled();
    });

    it('reports the queue depth on every heartbeat while it works, and not after stop', async () => {
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
      const sut = worker();
      handlerOf(sut);
      const beat = config.delivery.heartbeatSeconds * 1000;
      queue.depth.mockResolvedValueOnce(7).mockRejectedValueOnce(new Error('ECONNREFUSED redis'));
      observer.queueDepth.mockReturnValue();

      await vi.advanceTimersByTimeAsync(beat);
      expect(observer.queueDepth).toHaveBeenCalledWith(7);

      // A depth that cannot be read is not reported (nor is it an error).
      await vi.advanceTimersByTimeAsync(beat);
      expect(queue.depth).toHaveBeenCalledTimes(2);
      expect(observer.queueDepth).toHaveBeenCalledTimes(1);
      expect(errors.reports).toEqual([]);

      queue.stopWorking.mockResolvedValue();
      await sut.stop();
      await vi.advanceTimersByTimeAsync(3 * beat);
      expect(queue.depth).toHaveBeenCalledTimes(2);
    });

    it('runs no queued work on an api node', async () => {
      const sut = worker(AppConfig.fromEnvironment({ NODE_ENV: 'test', FNGRAPH_ROLE: 'api' }));

      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
      sut.onApplicationBootstrap();
      await vi.advanceTimersByTimeAsync(10 * config.delivery.heartbeatSeconds * 1000);
      await sut.stop();
      // Strict mocks: neither startWorking nor stopWorking was called, nor the queue depth probed.
      expect(queue.startWorking).not.toHaveBeenCalled();
      expect(queue.depth).not.toHaveBeenCalled();
    });
  });

  describe('a job that will not run', () => {
    it('is done when its record is missing, or already final (a repeated delivery), running and writing nothing', async () => {
      const handle = handlerOf();
      recorder.find.mockResolvedValueOnce(null);
      await expect(handle(job)).resolves.toEqual({ done: true });
      expect(lookup.resolve).not.toHaveBeenCalled();

      const version = { id: 'v-1', version: '1.2.0', asyncPolicy: basePolicy } as FunctionVersionRecord;
      lookup.resolve.mockResolvedValue({ function: fn, version, target });
      for (const status of ['SUCCEEDED', 'FAILED', 'DEAD_LETTERED', 'REJECTED'] as const) {
        recorder.find.mockResolvedValueOnce(queuedRecord({ status }));
        await expect(handle(job)).resolves.toEqual({ done: true });
      }
      // Its policy is looked up for its destination (none here), except for a REJECTED one, which has none.
      expect(lookup.resolve).toHaveBeenCalledTimes(3);
      expect(lookup.resolve).toHaveBeenCalledWith({ functionId: 'f-1' }, '1.2.0');
      // Strict mocks: no record written, nothing run, no destination.
      expect(invocations.invoke).not.toHaveBeenCalled();
    });

    it('sends the destination of an already final record again (its worker may have stopped before sending it), keyed so it is invoked once', async () => {
      const handle = handlerOf();
      const version = { id: 'v-1', version: '1.2.0', asyncPolicy: { ...basePolicy, onSuccess: 'audit', onFailure: 'alert' } } as FunctionVersionRecord;
      lookup.resolve.mockResolvedValue({ function: fn, version, target });
      destinations();
      invocations.invoke.mockResolvedValue(queuedRecord({ id: 'i-dest' }));

      for (const status of ['SUCCEEDED', 'DEAD_LETTERED', 'FAILED', 'REJECTED'] as const) {
        recorder.find.mockResolvedValueOnce(queuedRecord({ status, attempt: 2, finishedAt: new Date() }));
        await expect(handle(job)).resolves.toEqual({ done: true });
      }

      // SUCCEEDED to onSuccess, any other end to onFailure; a REJECTED one (never queued) to neither.
      expect(invocations.invoke.mock.calls.map(([command]) => [command.ref, command.idempotencyKey, JSON.parse(command.event.body!).status])).toEqual([
        [{ name: 'audit' }, DESTINATION_KEY, 'SUCCEEDED'],
        [{ name: 'alert' }, DESTINATION_KEY, 'DEAD_LETTERED'],
        [{ name: 'alert' }, DESTINATION_KEY, 'FAILED'],
      ]);
      expect(invocations.invoke).toHaveBeenCalledWith(expect.objectContaining({ trigger: 'DESTINATION', async: true }));
      // Strict mocks: nothing run, no record written.
      expect(executor.execute).not.toHaveBeenCalled();
    });

    it('is done, sending nothing, when the function of an already final record cannot be resolved any more', async () => {
      const handle = handlerOf();
      recorder.find.mockResolvedValue(queuedRecord({ status: 'SUCCEEDED' }));
      lookup.resolve.mockRejectedValue(new NotFoundError('Function', 'f-1'));

      await expect(handle(job)).resolves.toEqual({ done: true });
      // Strict mocks: no destination looked up or invoked.
      expect(invocations.invoke).not.toHaveBeenCalled();
    });

    it('is dead-lettered FunctionUnavailable when its function or version is gone, without a destination', async () => {
      const handle = handlerOf();
      recorder.find.mockResolvedValue(queuedRecord());
      lookup.resolve
        .mockRejectedValueOnce(new NotFoundError('Function', 'f-1'))
        .mockRejectedValueOnce(new FunctionNotReadyError('Version 1.2.0 failed to build'));
      recorder.commit.mockResolvedValue();

      await expect(handle(job)).resolves.toEqual({ done: true });
      await expect(handle(job)).resolves.toEqual({ done: true });

      expect(lookup.resolve).toHaveBeenCalledWith({ functionId: 'f-1' }, '1.2.0');
      expect(committed()).toEqual([
        expect.objectContaining({ id: 'i-1', status: 'DEAD_LETTERED', error: { type: 'FunctionUnavailable', message: 'Function "f-1" was not found' } }),
        expect.objectContaining({ id: 'i-1', status: 'DEAD_LETTERED', error: { type: 'FunctionUnavailable', message: 'Version 1.2.0 failed to build' } }),
      ]);
      expect(observer.finished).toHaveBeenCalledTimes(2);
      // Strict mocks: no destination was invoked, nothing ran.
      expect(invocations.invoke).not.toHaveBeenCalled();
    });

    it('is dead-lettered EventUnreadable when its sealed event cannot be opened (its master key is gone), running nothing', async () => {
      const handle = handlerOf();
      runnable(queuedRecord());
      const foreign = { ...job, sealedEvent: { ...job.sealedEvent!, keyId: 'another-master-key' } };

      await expect(handle(foreign)).resolves.toEqual({ done: true });

      expect(committed()).toEqual([
        expect.objectContaining({ id: 'i-1', status: 'DEAD_LETTERED', error: { type: 'EventUnreadable', message: 'No master key another-master-key' } }),
      ]);
      // Strict mocks: no sandbox was asked for.
    });

    it('still runs a job queued before sealing (a plain event)', async () => {
      const handle = handlerOf();
      runnable(queuedRecord());
      executor.execute.mockResolvedValue(succeeded);

      await expect(handle({ invocationId: 'i-1', event })).resolves.toEqual({ done: true });

      expect(executor.execute).toHaveBeenCalledWith(target, expect.objectContaining({ event }));
    });

    it('is dead-lettered EventTooOld when it waited longer than maxEventAgeSeconds, and sent to onFailure', async () => {
      const handle = handlerOf();
      const old = queuedRecord({ queuedAt: new Date(Date.now() - 61_000) });
      runnable(old, { maxEventAgeSeconds: 60, onFailure: 'alert' });
      destinations();
      invocations.invoke.mockResolvedValue(queuedRecord({ id: 'i-dest' }));

      await expect(handle(job)).resolves.toEqual({ done: true });

      expect(committed()).toEqual([
        expect.objectContaining({
          status: 'DEAD_LETTERED',
          attempt: 0,
          error: { type: 'EventTooOld', message: expect.stringMatching(/queued 61 s ago.*\(60\)/) },
        }),
      ]);
      expect(invocations.invoke).toHaveBeenCalledWith(
        expect.objectContaining({ ref: { name: 'alert' }, trigger: 'DESTINATION', idempotencyKey: DESTINATION_KEY }),
      );
      expect(executor.execute).not.toHaveBeenCalled();
    });

    it('runs an event of any age when maxEventAgeSeconds is null', async () => {
      const handle = handlerOf();
      runnable(queuedRecord({ queuedAt: new Date(0) }), { maxEventAgeSeconds: null });
      executor.execute.mockResolvedValue(succeeded);

      await expect(handle(job)).resolves.toEqual({ done: true });
      expect(committed()).toEqual([expect.objectContaining({ status: 'SUCCEEDED' })]);
    });

    it('is dead-lettered without running when its last attempt was taken by a worker that died', async () => {
      const handle = handlerOf();
      runnable(queuedRecord({ status: 'RUNNING', attempt: 3, nodeId: 'node-dead' }));

      await expect(handle(job)).resolves.toEqual({ done: true });

      expect(committed()).toEqual([
        expect.objectContaining({
          status: 'DEAD_LETTERED',
          attempt: 3,
          error: { type: 'WorkerLost', message: 'The node running it stopped before it finished' },
          finishedAt: expect.any(Date),
        }),
      ]);
      expect(executor.execute).not.toHaveBeenCalled();
    });

    it('keeps the last run’s error when it is dead-lettered before running', async () => {
      const handle = handlerOf();
      runnable(queuedRecord({ attempt: 2, error: typeError }), { maxAttempts: 2 });

      await expect(handle(job)).resolves.toEqual({ done: true });
      expect(committed()).toEqual([expect.objectContaining({ status: 'DEAD_LETTERED', attempt: 2, error: typeError })]);
    });
  });

  describe('a run', () => {
    it('marks the record RUNNING on this node with the next attempt, runs the whole event, and ends SUCCEEDED', async () => {
      const handle = handlerOf();
      runnable(queuedRecord({ attempt: 1, error: typeError }));
      executor.execute.mockResolvedValue(succeeded);

      await expect(handle(job)).resolves.toEqual({ done: true });

      expect(updated()).toEqual([
        expect.objectContaining({ id: 'i-1', status: 'RUNNING', attempt: 2, nodeId: 'node-a', startedAt: expect.any(Date), finishedAt: null }),
      ]);
      expect(observer.started).toHaveBeenCalledWith(updated()[0]);
      expect(executor.execute).toHaveBeenCalledWith(target, expect.objectContaining({ invocationId: 'i-1', event }));
      expect(recorder.update.mock.invocationCallOrder[0]).toBeLessThan(executor.execute.mock.invocationCallOrder[0]!);
      expect(committed()).toEqual([
        expect.objectContaining({
          id: 'i-1',
          status: 'SUCCEEDED',
          attempt: 2,
          error: null,
          response: { greeting: 'Hello, Ada' },
          finishedAt: expect.any(Date),
        }),
      ]);
      expect(logs.close).toHaveBeenCalledTimes(1);
      expect(observer.finished).toHaveBeenCalledWith(committed()[0]);
      expect(errors.reports).toEqual([]);
    });

    it('goes on numbering the log lines of earlier runs', async () => {
      const handle = handlerOf();
      const earlier = [{ seq: 1, timestamp: new Date(), stream: 'stdout' as const, message: 'first run' }];
      runnable(queuedRecord({ attempt: 1, logs: earlier }));
      executor.execute.mockImplementation(async (_target, request) => {
        request.onLog('stdout', 'second run');
        return succeeded;
      });

      await handle(job);

      expect(logs.open).toHaveBeenCalledWith('i-1', 'f-1', earlier);
      expect(committed()[0]!.logs.map(({ seq, message }) => [seq, message])).toEqual([
        [1, 'first run'],
        [2, 'second run'],
      ]);
    });

    it('sends a success to onSuccess: queued, as the DESTINATION trigger, with the owner’s invoker rights and a key per source', async () => {
      const handle = handlerOf();
      runnable(queuedRecord(), { onSuccess: 'audit', onFailure: 'alert' });
      executor.execute.mockResolvedValue(succeeded);
      destinations();
      invocations.invoke.mockResolvedValue(queuedRecord({ id: 'i-dest' }));

      await expect(handle(job)).resolves.toEqual({ done: true });

      expect(lookup.findFunction).toHaveBeenCalledWith({ functionId: 'f-1' });
      expect(lookup.findFunction).toHaveBeenCalledWith({ name: 'audit' });
      expect(invocations.invoke).toHaveBeenCalledTimes(1);
      const [destination] = invocations.invoke.mock.calls[0]!;
      expect(destination).toEqual({
        ref: { name: 'audit' },
        trigger: 'DESTINATION',
        async: true,
        principal: { kind: 'apiKey', subject: 'dora', roles: ['invoker'] },
        event: expect.objectContaining({ method: 'POST', path: '/', headers: { 'content-type': 'application/json' }, isBase64Encoded: false }),
        idempotencyKey: DESTINATION_KEY,
      });
      expect(JSON.parse(destination.event.body!)).toEqual({
        source: { invocationId: 'i-1', functionName: 'greet', version: '1.2.0', attempt: 1 },
        status: 'SUCCEEDED',
        response: { greeting: 'Hello, Ada' },
        error: null,
      });
      // The destination is invoked once the outcome is stored.
      expect(recorder.commit.mock.invocationCallOrder[0]).toBeLessThan(invocations.invoke.mock.invocationCallOrder[0]!);
    });

    it('invokes another owner’s destination only if it is public, still with the source owner’s rights', async () => {
      const handle = handlerOf();
      runnable(queuedRecord(), { onSuccess: 'webhook' });
      executor.execute.mockResolvedValue(succeeded);
      destinations(fn, webhook);
      invocations.invoke.mockResolvedValue(queuedRecord({ id: 'i-dest' }));

      await expect(handle(job)).resolves.toEqual({ done: true });

      expect(invocations.invoke).toHaveBeenCalledWith(
        expect.objectContaining({ ref: { name: 'webhook' }, principal: { kind: 'apiKey', subject: 'dora', roles: ['invoker'] } }),
      );
    });

    it('does not invoke a private destination of another owner (a function may not reach what its owner cannot); says so in the log', async () => {
      const handle = handlerOf();
      runnable(queuedRecord({ attempt: 2 }), { maxAttempts: 3, onFailure: 'billing' });
      executor.execute.mockResolvedValue(failed);
      destinations(fn, billing);

      await expect(handle(job)).resolves.toEqual({ done: true });

      expect(committed()).toEqual([expect.objectContaining({ status: 'DEAD_LETTERED' })]);
      expect(lookup.findFunction).toHaveBeenCalledWith({ name: 'billing' });
      expect(warn).toHaveBeenCalledWith('Destination billing of invocation i-1 was not invoked: no such function of the same owner, nor a public one');
      // Strict mocks: nothing invoked.
      expect(invocations.invoke).not.toHaveBeenCalled();
      expect(errors.reports).toEqual([]);
    });

    it('does not invoke a destination that does not exist; says so in the log', async () => {
      const handle = handlerOf();
      runnable(queuedRecord(), { onSuccess: 'nowhere' });
      executor.execute.mockResolvedValue(succeeded);
      destinations();

      await expect(handle(job)).resolves.toEqual({ done: true });

      expect(warn).toHaveBeenCalledWith('Destination nowhere of invocation i-1 was not invoked: no such function of the same owner, nor a public one');
      // Strict mocks: nothing invoked.
      expect(invocations.invoke).not.toHaveBeenCalled();
    });

    it('invokes only a public destination, as system:destinations, when the source function’s owner cannot be found', async () => {
      const handle = handlerOf();
      runnable(queuedRecord(), { onSuccess: 'webhook' });
      executor.execute.mockResolvedValue(succeeded);
      destinations(null, webhook);
      invocations.invoke.mockResolvedValue(queuedRecord({ id: 'i-dest' }));

      await handle(job);

      expect(invocations.invoke).toHaveBeenCalledWith(
        expect.objectContaining({ ref: { name: 'webhook' }, principal: { kind: 'apiKey', subject: 'system:destinations', roles: ['invoker'] } }),
      );

      // A private one (even named like the lost owner's) is not invoked.
      runnable(queuedRecord({ id: 'i-2' }), { onSuccess: 'audit' });
      await handle({ ...job, invocationId: 'i-2' });
      expect(invocations.invoke).toHaveBeenCalledTimes(1);
      expect(warn).toHaveBeenCalledWith('Destination audit of invocation i-2 was not invoked: no such function of the same owner, nor a public one');
    });

    it('is done when the destination refuses it (e.g. forbidden); says so in the log', async () => {
      const handle = handlerOf();
      runnable(queuedRecord(), { onSuccess: 'audit' });
      executor.execute.mockResolvedValue(succeeded);
      destinations();
      invocations.invoke.mockRejectedValue(new ForbiddenError('You may not invoke audit'));

      await expect(handle(job)).resolves.toEqual({ done: true });
      expect(warn).toHaveBeenCalledWith('Destination audit of invocation i-1 was not invoked: You may not invoke audit');
      expect(errors.reports).toEqual([]);
    });

    it('is tried again when the destination cannot be queued now (sending again is idempotent)', async () => {
      const handle = handlerOf();
      runnable(queuedRecord(), { onSuccess: 'audit' });
      executor.execute.mockResolvedValue(succeeded);
      destinations();
      invocations.invoke.mockRejectedValue(new ServiceUnavailableError('Async invocations cannot be queued at the moment', 5));

      await expect(handle(job)).resolves.toEqual({ done: false, retryInMs: 5000 });
      expect(errors.reports).toHaveLength(1);
    });
  });

  describe('retries', () => {
    it('queues a failed run again while attempts remain: error and lines kept, no node, backoff doubling per run', async () => {
      const handle = handlerOf();
      runnable(queuedRecord(), { maxAttempts: 3, retryBackoffSeconds: 2 });
      executor.execute.mockImplementation(async (_target, request) => {
        request.onLog('stderr', 'boom');
        return failed;
      });

      await expect(handle(job)).resolves.toEqual({ done: false, retryInMs: 2000 });

      expect(updated()).toEqual([expect.objectContaining({ status: 'RUNNING', attempt: 1 })]);
      // Stored (not just handed to the recorder) before the job is released: the next run, maybe elsewhere, starts from it.
      const [requeued] = committed();
      expect(committed()).toHaveLength(1);
      expect(requeued).toMatchObject({ id: 'i-1', status: 'QUEUED', attempt: 1, error: typeError, nodeId: null, logsTruncated: false });
      expect(requeued!.logs.map(({ message }) => message)).toEqual(['boom']);
      expect(logs.suspend).toHaveBeenCalledTimes(1);
      expect(observer.suspended).toHaveBeenCalledWith(requeued);
      // Strict mocks: the live log not closed, no destination.
      expect(logs.close).not.toHaveBeenCalled();
      expect(observer.finished).not.toHaveBeenCalled();

      // The second run waits twice as long before the third.
      runnable(requeued!, { maxAttempts: 3, retryBackoffSeconds: 2 });
      await expect(handle(job)).resolves.toEqual({ done: false, retryInMs: 4000 });
      expect(committed().at(-1)).toMatchObject({ status: 'QUEUED', attempt: 2 });
    });

    it('retries timeouts and out-of-memory kills like failures', async () => {
      const handle = handlerOf();
      runnable(queuedRecord());
      executor.execute.mockResolvedValueOnce({ ...failed, status: 'TIMED_OUT', error: { type: 'Timeout', message: 'Task timed out after 5 s' } });

      await expect(handle(job)).resolves.toEqual({ done: false, retryInMs: 2000 });
      expect(committed()).toEqual([expect.objectContaining({ status: 'QUEUED', attempt: 1, error: { type: 'Timeout', message: 'Task timed out after 5 s' } })]);
    });

    it('dead-letters the last failed run with its error and sends it to onFailure', async () => {
      const handle = handlerOf();
      runnable(queuedRecord({ attempt: 2 }), { maxAttempts: 3, onSuccess: 'audit', onFailure: 'alert' });
      executor.execute.mockResolvedValue(failed);
      destinations();
      invocations.invoke.mockResolvedValue(queuedRecord({ id: 'i-dest' }));

      await expect(handle(job)).resolves.toEqual({ done: true });

      expect(committed()).toEqual([
        expect.objectContaining({ id: 'i-1', status: 'DEAD_LETTERED', attempt: 3, error: typeError, finishedAt: expect.any(Date) }),
      ]);
      expect(observer.finished).toHaveBeenCalledWith(committed()[0]);
      expect(invocations.invoke).toHaveBeenCalledTimes(1);
      const [destination] = invocations.invoke.mock.calls[0]!;
      expect(destination).toMatchObject({ ref: { name: 'alert' }, trigger: 'DESTINATION', async: true, idempotencyKey: DESTINATION_KEY });
      expect(JSON.parse(destination.event.body!)).toMatchObject({ source: { attempt: 3 }, status: 'DEAD_LETTERED', error: typeError });
    });

    it('dead-letters at once without retries when maxAttempts is 1, naming the status when the run left no error', async () => {
      const handle = handlerOf();
      runnable(queuedRecord(), { maxAttempts: 1 });
      executor.execute.mockResolvedValue({ ...failed, status: 'OOM_KILLED', error: undefined });

      await expect(handle(job)).resolves.toEqual({ done: true });
      expect(committed()).toEqual([
        expect.objectContaining({ status: 'DEAD_LETTERED', attempt: 1, error: { type: 'OOM_KILLED', message: 'The last attempt ended OOM_KILLED' } }),
      ]);
    });

    it('counts a platform failure as a run and reports it', async () => {
      const handle = handlerOf();
      runnable(queuedRecord());
      const failure = new Error('sandbox exploded');
      executor.execute.mockRejectedValue(failure);

      await expect(handle(job)).resolves.toEqual({ done: false, retryInMs: 2000 });

      expect(committed()).toEqual([expect.objectContaining({ status: 'QUEUED', attempt: 1, error: expect.objectContaining({ type: 'PlatformError' }) })]);
      expect(errors.reports).toEqual([
        { error: failure, report: { source: 'invocation', where: 'invocation i-1', functionName: 'greet', invocationId: 'i-1' } },
      ]);
    });

    it('queues a throttled run again after a second without using an attempt or reporting it', async () => {
      const handle = handlerOf();
      runnable(queuedRecord({ attempt: 1, error: typeError }));
      executor.execute.mockRejectedValue(new ThrottledError('All 4 instances are busy'));

      await expect(handle(job)).resolves.toEqual({ done: false, retryInMs: 1000 });

      expect(updated()).toEqual([expect.objectContaining({ status: 'RUNNING', attempt: 2 })]);
      // The error of the run before is kept: this one did not count.
      expect(committed()).toEqual([expect.objectContaining({ status: 'QUEUED', attempt: 1, error: typeError, nodeId: null })]);
      expect(logs.suspend).toHaveBeenCalledTimes(1);
      expect(errors.reports).toEqual([]);
    });

    it('releases a run cut by a shutdown at once, without using an attempt (never SUCCEEDED, never dead-lettered)', async () => {
      const handle = handlerOf();
      runnable(queuedRecord({ attempt: 2 }), { maxAttempts: 3, onFailure: 'alert' });
      const run = deferred<ExecutionOutcome>();
      executor.execute.mockReturnValue(run.promise);
      executor.killAll.mockImplementation(() => run.reject(new Error('killed')));

      const handling = handle(job);
      await settle();
      expect(runner.inFlight).toBe(1);
      await runner.cutAll();

      await expect(handling).resolves.toEqual({ done: false, retryInMs: 0 });
      expect(updated()).toEqual([expect.objectContaining({ status: 'RUNNING', attempt: 3 })]);
      expect(committed()).toEqual([expect.objectContaining({ status: 'QUEUED', attempt: 2, nodeId: null })]);
      // Strict mocks: not sent to onFailure; and not reported.
      expect(observer.finished).not.toHaveBeenCalled();
      expect(errors.reports).toEqual([]);
    });

    it('releases a job taken after the cut at once, without running it or using an attempt', async () => {
      const handle = handlerOf();
      executor.killAll.mockReturnValue();
      await runner.cutAll();
      runnable(queuedRecord({ attempt: 1, error: typeError }), { maxAttempts: 3, onFailure: 'alert' });

      await expect(handle(job)).resolves.toEqual({ done: false, retryInMs: 0 });

      expect(committed()).toEqual([expect.objectContaining({ status: 'QUEUED', attempt: 1, error: typeError, nodeId: null })]);
      expect(logs.suspend).toHaveBeenCalledTimes(1);
      // Strict mocks: nothing ran, nothing sent, nothing reported.
      expect(executor.execute).not.toHaveBeenCalled();
      expect(runner.inFlight).toBe(0);
      expect(errors.reports).toEqual([]);
    });

    it('ends a run that succeeded just as the cut came SUCCEEDED (not released to run again), and sends it to onSuccess', async () => {
      const handle = handlerOf();
      runnable(queuedRecord(), { onSuccess: 'audit' });
      const run = deferred<ExecutionOutcome>();
      executor.execute.mockReturnValue(run.promise);
      // The kill comes too late: the function had already answered.
      executor.killAll.mockImplementation(() => run.resolve(succeeded));
      destinations();
      invocations.invoke.mockResolvedValue(queuedRecord({ id: 'i-dest' }));

      const handling = handle(job);
      await settle();
      await runner.cutAll();

      await expect(handling).resolves.toEqual({ done: true });
      expect(committed()).toEqual([expect.objectContaining({ status: 'SUCCEEDED', attempt: 1, error: null })]);
      expect(invocations.invoke).toHaveBeenCalledWith(expect.objectContaining({ ref: { name: 'audit' }, idempotencyKey: DESTINATION_KEY }));
    });
  });

  describe('trouble handling a job', () => {
    it('tries the job again in 5 s, not released, when the QUEUED state of a retry cannot be stored', async () => {
      const handle = handlerOf();
      runnable(queuedRecord());
      executor.execute.mockResolvedValue(failed);
      const failure = new Error('storage down');
      recorder.commit.mockRejectedValue(failure);

      await expect(handle(job)).resolves.toEqual({ done: false, retryInMs: 5000 });
      // Strict mocks: the live log was not suspended, the observer not told.
      expect(observer.suspended).not.toHaveBeenCalled();
      expect(errors.reports).toEqual([expect.objectContaining({ error: failure })]);
    });

    it('tries the job again in 5 s and reports the error when the record cannot be read', async () => {
      const handle = handlerOf();
      const failure = new Error('storage down');
      recorder.find.mockRejectedValue(failure);

      await expect(handle(job)).resolves.toEqual({ done: false, retryInMs: 5000 });
      expect(errors.reports).toEqual([
        { error: failure, report: { source: 'invocation', where: 'queued invocation i-1, tried again in 5000 ms', invocationId: 'i-1' } },
      ]);
    });

    it('tries the job again when the lookup fails with something other than a domain error', async () => {
      const handle = handlerOf();
      recorder.find.mockResolvedValue(queuedRecord());
      lookup.resolve.mockRejectedValue(new Error('MongoNetworkError'));

      await expect(handle(job)).resolves.toEqual({ done: false, retryInMs: 5000 });
      expect(errors.reports).toHaveLength(1);
    });

    it('tries the job again when the outcome cannot be stored', async () => {
      const handle = handlerOf();
      runnable(queuedRecord());
      executor.execute.mockResolvedValue(succeeded);
      recorder.commit.mockRejectedValue(new Error('storage down'));

      await expect(handle(job)).resolves.toEqual({ done: false, retryInMs: 5000 });
      expect(observer.abandoned).toHaveBeenCalledWith(expect.objectContaining({ status: 'SUCCEEDED' }), expect.any(Error));
    });
  });
});
