import { afterEach, beforeEach, describe, expect, it, type Mocked, vi } from 'vitest';
import { AppConfig } from '@/kernel/config/app-config.js';
import { NotFoundError, RateLimitedError, ServiceUnavailableError, ThrottledError } from '@/kernel/errors/domain-error.js';
import { EventBus } from '@/kernel/events/event-bus.js';
import { ANONYMOUS, type Principal } from '@/kernel/identity/principal.js';
import type { Role } from '@/kernel/identity/roles.js';
import type { ExecutionOutcome, ExecutionTarget, InvocationEvent } from '@/modules/executor/execution.types.js';
import { ExecutorService } from '@/modules/executor/executor.service.js';
import { FunctionAccessPolicy } from '@/modules/functions/function-access.policy.js';
import type { FunctionRecord } from '@/modules/functions/function.record.js';
import { FunctionsService } from '@/modules/functions/functions.service.js';
import { RateLimitsService } from '@/modules/limits/rate-limits.service.js';
import { DEFAULT_ASYNC_POLICY, type FunctionVersionRecord } from '@/modules/versions/version.record.js';
import { automock } from '../../../test/support/automock.js';
import { RecordedErrors } from '../../../test/support/recorded-errors.js';
import { FunctionLookup } from './function-lookup.service.js';
import { IdempotencyKeys } from './idempotency-keys.js';
import { InvocationAdmission } from './invocation-admission.js';
import { functionInvocationsChannel, type InvocationUpdatedEvent, invocationUpdatedChannel } from './invocation.channels.js';
import { InvocationLogsService } from './invocation-logs.service.js';
import { InvocationObserver } from './invocation-observer.js';
import { InvocationQueue } from './invocation-queue.js';
import type { InvocationRecord } from './invocation.record.js';
import { InvocationRecorder } from './invocation-recorder.js';
import { InvocationRepository } from './invocation.repository.js';
import { InvocationRunner } from './invocation-runner.js';
import { type InvokeCommand, InvocationsService } from './invocations.service.js';
import { AliasesService } from '@/modules/aliases/aliases.service.js';
import { ShadowCalls } from './shadow-calls.js';
import { LiveLog } from './live-log.js';
import { PlainTestCipher } from '../../../test/support/plain-cipher.js';
import { QueuedEventSeal } from './queued-event-seal.js';
import { ContractValidators } from '@/modules/contracts/contract-validators.js';

const config = AppConfig.fromEnvironment({ NODE_ENV: 'test', FNGRAPH_NODE_ID: 'node-a', FNGRAPH_IDEMPOTENCY_WINDOW_SECONDS: '3600' });

const as = (subject: string, ...roles: Role[]): Principal => ({ kind: 'apiKey', subject, roles, credentialId: `key-${subject}` });
const admin = as('root', 'admin');
/** Owner of the function. */
const dora = as('dora', 'developer');
/** Listed in the function's `allowedUsers`: reads every invocation, may not invoke. */
const vera = as('vera', 'viewer');
/** Invokes by role (`executionRoles`). */
const ivan = as('ivan', 'invoker');
/** Nothing to do with the function. */
const mallory = as('mallory', 'developer');

const fn: FunctionRecord = {
  id: 'f-1',
  name: 'greet',
  description: '',
  language: 'javascript',
  runtime: 'nodejs20',
  ownerId: 'dora',
  author: null,
  tags: [],
  permissions: { public: false, allowedUsers: ['vera'], executionRoles: ['invoker'] },
  schedules: [],
  latestVersion: '1.2.0',
  latestVersionId: 'v-1',
  versionCount: 3,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  deletedAt: null,
};
const version = { id: 'v-1', functionId: 'f-1', version: '1.2.0', asyncPolicy: DEFAULT_ASYNC_POLICY } as FunctionVersionRecord;
const target: ExecutionTarget = {
  versionId: 'v-1',
  functionId: 'f-1',
  functionName: 'greet',
  ownerId: 'owner-1',
  version: '1.2.0',
  runtime: 'nodejs20',
  artifact: 'module.exports = () => "hi"',
  environment: {},
  dependenciesDir: null,
  timeoutMs: 5000,
  memoryLimitMb: 128,
  minInstances: 0,
  maxInstances: 4,
  concurrency: 1,
  eventFormat: 'native',
};
const event: InvocationEvent = {
  method: 'POST',
  path: '/',
  headers: { authorization: 'Bearer secret', 'content-type': 'application/json' },
  query: {},
  body: '{"name":"Ada"}',
  isBase64Encoded: false,
};
const succeeded: ExecutionOutcome = {
  status: 'SUCCEEDED',
  value: { greeting: 'Hello, Ada' },
  coldStart: true,
  initDurationMs: 12,
  durationMs: 3,
  memoryPeakBytes: 4096,
  cpuTimeMs: 2,
};

const command = (overrides: Partial<InvokeCommand> = {}): InvokeCommand => ({
  ref: { name: 'greet' },
  trigger: 'GRAPHQL',
  event,
  principal: ivan,
  ...overrides,
});

function anInvocation(overrides: Partial<InvocationRecord> = {}): InvocationRecord {
  return { id: 'i-1', functionId: 'f-1', functionName: 'greet', callerId: 'ivan', status: 'SUCCEEDED', ...overrides } as InvocationRecord;
}

/** A promise settled from outside: lets a test hold a step (a write, a run) and look at what happened meanwhile. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe(InvocationsService.name, () => {
  let sut: InvocationsService;
  let lookup: Mocked<FunctionLookup>;
  let executor: Mocked<ExecutorService>;
  let queue: Mocked<InvocationQueue>;
  let invocations: Mocked<InvocationRepository>;
  let recorder: Mocked<InvocationRecorder>;
  let idempotency: Mocked<IdempotencyKeys>;
  let admission: Mocked<InvocationAdmission>;
  let logs: Mocked<InvocationLogsService>;
  let events: Mocked<EventBus>;
  let limits: Mocked<RateLimitsService>;
  let functions: Mocked<FunctionsService>;
  let observer: Mocked<InvocationObserver>;
  let errors: RecordedErrors;

  beforeEach(() => {
    lookup = automock(FunctionLookup);
    executor = automock(ExecutorService, { properties: { driverKind: 'process' } });
    queue = automock(InvocationQueue, { methods: ['enqueue', 'startWorking', 'stopWorking', 'depth'] });
    invocations = automock(InvocationRepository, {
      methods: ['insertAll', 'updateAll', 'transition', 'findById', 'findByIds', 'list', 'latestByFunctionIds', 'probeWrite', 'findOrphaned'],
    });
    recorder = automock(InvocationRecorder);
    idempotency = automock(IdempotencyKeys, { methods: ['claim', 'release', 'deleteExpired'] });
    admission = automock(InvocationAdmission);
    logs = automock(InvocationLogsService);
    events = automock(EventBus, { methods: ['publish', 'mayHaveSubscribers', 'subscribe'] });
    limits = automock(RateLimitsService);
    functions = automock(FunctionsService);
    observer = automock(InvocationObserver, { methods: ['started', 'sandboxAcquired', 'finished', 'abandoned', 'suspended', 'recordBacklog'] });
    errors = new RecordedErrors();
    const runner = new InvocationRunner(executor, recorder, logs, events, observer, errors);
    sut = new InvocationsService(
      lookup,
      runner,
      queue,
      invocations,
      recorder,
      idempotency,
      admission,
      config,
      new FunctionAccessPolicy(),
      limits,
      functions,
      errors,
      new QueuedEventSeal(new PlainTestCipher()),
      automock(AliasesService),
      new ShadowCalls(errors),
      new ContractValidators(),
    );

    // Every invocation is observed and offered to subscribers; most tests are not about that.
    observer.started.mockReturnValue();
    observer.sandboxAcquired.mockReturnValue();
    observer.finished.mockReturnValue();
    observer.abandoned.mockReturnValue();
    events.mayHaveSubscribers.mockReturnValue(false);
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  /** The node accepts calls, and counts each one it admits until it is answered. */
  function admitting(): void {
    admission.assertAccepting.mockReturnValue();
    admission.track.mockImplementation((work) => work);
  }

  /** The node accepts calls, the function resolves, the caller is within its limits, and the run's output is collected. */
  function invocable(record: FunctionRecord = fn): void {
    admitting();
    lookup.findFunction.mockResolvedValue(record);
    limits.consumeInvocation.mockResolvedValue();
    lookup.resolveVersion.mockResolvedValue({ function: record, version, target });
    logs.open.mockImplementation((invocationId, functionId, earlier) => new LiveLog(invocationId, functionId, 100, 1024, earlier));
    logs.append.mockImplementation((log, stream, message) => log.append(stream, message) !== null);
    logs.close.mockReturnValue();
    recorder.insertProvisionally.mockReturnValue();
    recorder.commit.mockResolvedValue();
  }

  const committed = () => recorder.commit.mock.calls.map(([record]) => record);

  describe('a synchronous invocation', () => {
    it('records a provisional RUNNING record, then commits the final one with the outcome', async () => {
      invocable();
      executor.execute.mockResolvedValue(succeeded);

      const result = await sut.invoke(command());

      const [provisional] = recorder.insertProvisionally.mock.calls[0]!;
      expect(provisional).toMatchObject({
        id: result.id,
        functionId: 'f-1',
        functionName: 'greet',
        versionId: 'v-1',
        version: '1.2.0',
        trigger: 'GRAPHQL',
        callerId: 'ivan',
        status: 'RUNNING',
        attempt: 1,
        queued: false,
        nodeId: 'node-a',
        startedAt: expect.any(Date),
        finishedAt: null,
      });
      // Credentials never reach storage.
      expect(provisional.request.headers).toEqual({ authorization: '[redacted]', 'content-type': 'application/json' });
      expect(committed()).toEqual([
        expect.objectContaining({
          id: result.id,
          status: 'SUCCEEDED',
          response: { greeting: 'Hello, Ada' },
          coldStart: true,
          initDurationMs: 12,
          durationMs: 3,
          memoryPeakBytes: 4096,
          cpuTimeMs: 2,
          finishedAt: expect.any(Date),
        }),
      ]);
      expect(result).toEqual(committed()[0]);
      expect(recorder.insertProvisionally.mock.invocationCallOrder[0]).toBeLessThan(executor.execute.mock.invocationCallOrder[0]!);
      expect(admission.assertAccepting).toHaveBeenCalledWith({ duringShutdown: false });
      expect(admission.assertAccepting.mock.invocationCallOrder[0]).toBeLessThan(lookup.findFunction.mock.invocationCallOrder[0]!);
      expect(observer.started).toHaveBeenCalledWith(provisional, undefined);
      expect(observer.finished).toHaveBeenCalledWith(result);
      expect(errors.reports).toEqual([]);
    });

    it('answers only once the final record is durable', async () => {
      invocable();
      executor.execute.mockResolvedValue(succeeded);
      const stored = deferred();
      recorder.commit.mockReturnValue(stored.promise);

      let answered: InvocationRecord | undefined;
      const invoking = sut.invoke(command()).then((record) => (answered = record));
      await settle();
      expect(recorder.commit).toHaveBeenCalledWith(expect.objectContaining({ status: 'SUCCEEDED' }));
      expect(answered).toBeUndefined();
      // The live log ends only once the lines are stored.
      expect(logs.close).not.toHaveBeenCalled();

      stored.resolve();
      await invoking;
      expect(answered).toMatchObject({ status: 'SUCCEEDED' });
      expect(logs.close).toHaveBeenCalledTimes(1);
    });

    it('answers SERVICE_UNAVAILABLE when the final record cannot be stored, and tells the observer it was abandoned', async () => {
      invocable();
      executor.execute.mockResolvedValue(succeeded);
      const failure = new Error('SQLITE_FULL: database or disk is full');
      recorder.commit.mockRejectedValue(failure);

      const invoking = sut.invoke(command());

      await expect(invoking).rejects.toBeInstanceOf(ServiceUnavailableError);
      await expect(invoking).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 });
      expect(observer.abandoned).toHaveBeenCalledWith(expect.objectContaining({ status: 'SUCCEEDED' }), failure);
      expect(observer.finished).not.toHaveBeenCalled();
      expect(logs.close).toHaveBeenCalledTimes(1);
    });

    it('hands the executor the version’s target, the whole event and the invocation context', async () => {
      invocable();
      executor.execute.mockResolvedValue(succeeded);

      const result = await sut.invoke(command());

      expect(lookup.findFunction).toHaveBeenCalledWith({ name: 'greet' });
      expect(lookup.resolveVersion).toHaveBeenCalledWith(fn, undefined);
      expect(logs.open).toHaveBeenCalledWith(result.id, 'f-1', []);
      expect(executor.execute).toHaveBeenCalledWith(
        target,
        expect.objectContaining({
          invocationId: result.id,
          event,
          context: expect.objectContaining({ invocationId: result.id, functionName: 'greet', version: '1.2.0', traceId: result.traceId }),
        }),
      );
    });

    it('keeps the function’s output on the final record and tells the observer about the sandbox', async () => {
      invocable();
      executor.execute.mockImplementation(async (_target, request) => {
        request.onSandboxAcquired?.({ cold: true, waitedMs: 7 });
        request.onLog('stdout', 'hello');
        request.onLog('stderr', 'careful');
        return succeeded;
      });

      const result = await sut.invoke(command());

      expect(result.logs.map(({ seq, stream, message }) => ({ seq, stream, message }))).toEqual([
        { seq: 1, stream: 'stdout', message: 'hello' },
        { seq: 2, stream: 'stderr', message: 'careful' },
      ]);
      expect(committed()[0]!.logs).toEqual(result.logs);
      expect(logs.close).toHaveBeenCalledTimes(1);
      expect(observer.sandboxAcquired).toHaveBeenCalledWith(expect.objectContaining({ id: result.id }), { cold: true, waitedMs: 7 });
    });

    it('returns a large result whole but keeps only a marker on the record', async () => {
      invocable();
      const big = 'x'.repeat(300 * 1024);
      executor.execute.mockResolvedValue({ ...succeeded, value: big });

      const result = await sut.invoke(command());

      expect(result.response).toBe(big);
      expect(committed()[0]).toMatchObject({ response: null, responseTruncated: true });
    });

    it('records a function failure as the executor reports it, without reporting an unexpected error', async () => {
      invocable();
      const error = { type: 'TypeError', message: 'x is undefined' };
      executor.execute.mockResolvedValue({ ...succeeded, status: 'FAILED', value: undefined, error });

      const result = await sut.invoke(command());

      expect(result).toMatchObject({ status: 'FAILED', error, response: null });
      expect(committed()[0]).toMatchObject({ status: 'FAILED', error });
      expect(errors.reports).toEqual([]);
    });

    it('records a throttled invocation as REJECTED and rethrows', async () => {
      invocable();
      executor.execute.mockRejectedValue(new ThrottledError('All 4 instances are busy'));

      await expect(sut.invoke(command())).rejects.toBeInstanceOf(ThrottledError);

      expect(committed()).toEqual([
        expect.objectContaining({ status: 'REJECTED', error: { type: 'Throttled', message: 'All 4 instances are busy' }, finishedAt: expect.any(Date) }),
      ]);
      expect(observer.finished).toHaveBeenCalledWith(committed()[0]);
      expect(observer.abandoned).not.toHaveBeenCalled();
      expect(logs.close).toHaveBeenCalledTimes(1);
      expect(errors.reports).toEqual([]);
    });

    it('records a platform failure as FAILED PlatformError, answers with that record and reports the failure', async () => {
      invocable();
      const failure = new Error('sandbox exploded');
      executor.execute.mockRejectedValue(failure);

      const result = await sut.invoke(command());

      expect(result).toMatchObject({ status: 'FAILED', error: { type: 'PlatformError', message: 'fngraph could not run the invocation' }, response: null });
      expect(committed()).toEqual([expect.objectContaining({ id: result.id, status: 'FAILED', error: expect.objectContaining({ type: 'PlatformError' }) })]);
      expect(errors.reports).toEqual([
        { error: failure, report: { source: 'invocation', where: `invocation ${result.id}`, functionName: 'greet', invocationId: result.id } },
      ]);
    });

    it('announces each state to the subscribers of the invocation and of the function', async () => {
      invocable();
      executor.execute.mockResolvedValue(succeeded);
      events.mayHaveSubscribers.mockReturnValue(true);
      events.publish.mockResolvedValue();

      const result = await sut.invoke(command());

      expect(events.publish.mock.calls.map(([channel, message]) => [channel.name, (message as InvocationUpdatedEvent).invocation.status])).toEqual([
        [invocationUpdatedChannel(result.id).name, 'RUNNING'],
        [functionInvocationsChannel('f-1').name, 'RUNNING'],
        [invocationUpdatedChannel(result.id).name, 'SUCCEEDED'],
        [functionInvocationsChannel('f-1').name, 'SUCCEEDED'],
      ]);
    });

    it('is not broken by an observer that throws; the observer’s error is reported', async () => {
      invocable();
      executor.execute.mockResolvedValue(succeeded);
      const broken = new Error('metrics broke');
      observer.started.mockImplementation(() => {
        throw broken;
      });

      await expect(sut.invoke(command())).resolves.toMatchObject({ status: 'SUCCEEDED' });

      expect(errors.reports).toEqual([{ error: broken, report: { source: 'invocation', where: 'an invocation observer' } }]);
    });
  });

  describe('an asynchronous invocation', () => {
    function queueable(): void {
      invocable();
      recorder.insert.mockResolvedValue();
      queue.enqueue.mockResolvedValue();
    }

    it('is stored QUEUED before it is queued and before its id is returned; it runs on a worker, not here', async () => {
      queueable();
      const stored = deferred();
      recorder.insert.mockReturnValue(stored.promise);

      let returned: InvocationRecord | undefined;
      const invoking = sut.invoke(command({ async: true })).then((record) => (returned = record));
      await settle();
      const [queued] = recorder.insert.mock.calls[0]!;
      expect(queued).toMatchObject({ status: 'QUEUED', trigger: 'ASYNC', queued: true, attempt: 0, nodeId: null, startedAt: null, finishedAt: null });
      expect(queue.enqueue).not.toHaveBeenCalled();
      expect(returned).toBeUndefined();

      stored.resolve();
      await invoking;
      expect(returned).toEqual(queued);
      // The job carries the whole event sealed (the record keeps a redacted copy), and the trace the run continues.
      expect(queue.enqueue).toHaveBeenCalledWith({
        invocationId: queued.id,
        sealedEvent: new QueuedEventSeal(new PlainTestCipher()).seal(event),
        traceparent: expect.stringMatching(new RegExp(`^00-${queued.traceId}-[0-9a-f]{16}-0[01]$`)),
      });
      expect(new QueuedEventSeal(new PlainTestCipher()).open(queue.enqueue.mock.calls[0]![0])).toEqual(event);
      expect(recorder.insert.mock.invocationCallOrder[0]).toBeLessThan(queue.enqueue.mock.invocationCallOrder[0]!);
      expect(observer.started).toHaveBeenCalledWith(queued, undefined);
      // Strict mocks: no sandbox, no provisional record, no commit.
      expect(executor.execute).not.toHaveBeenCalled();
      expect(recorder.insertProvisionally).not.toHaveBeenCalled();
      expect(recorder.commit).not.toHaveBeenCalled();
    });

    it('is returned only once it is queued', async () => {
      queueable();
      const enqueued = deferred();
      queue.enqueue.mockReturnValue(enqueued.promise);

      let returned: InvocationRecord | undefined;
      const invoking = sut.invoke(command({ async: true })).then((record) => (returned = record));
      await settle();
      expect(queue.enqueue).toHaveBeenCalledTimes(1);
      expect(returned).toBeUndefined();

      enqueued.resolve();
      await invoking;
      expect(returned).toMatchObject({ status: 'QUEUED' });
    });

    it('keeps the trigger of a call the platform queued for a reason of its own (a destination, a schedule)', async () => {
      queueable();

      await expect(sut.invoke(command({ async: true, trigger: 'DESTINATION' }))).resolves.toMatchObject({ trigger: 'DESTINATION', status: 'QUEUED' });
      await expect(sut.invoke(command({ async: true, trigger: 'SCHEDULE' }))).resolves.toMatchObject({ trigger: 'SCHEDULE', status: 'QUEUED' });
      await expect(sut.invoke(command({ async: true, trigger: 'HTTP' }))).resolves.toMatchObject({ trigger: 'ASYNC', status: 'QUEUED' });
    });

    it('queues nothing when its record cannot be stored: answers SERVICE_UNAVAILABLE and reports the storage error', async () => {
      queueable();
      const failure = new Error('storage down');
      recorder.insert.mockRejectedValue(failure);

      const invoking = sut.invoke(command({ async: true }));

      await expect(invoking).rejects.toBeInstanceOf(ServiceUnavailableError);
      await expect(invoking).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 });
      const [queued] = recorder.insert.mock.calls[0]!;
      expect(errors.reports).toEqual([{ error: failure, report: { source: 'storage', where: `storing invocation ${queued.id}`, invocationId: queued.id } }]);
      // Strict mocks: the queue, the observer's `started` and the commit were not reached.
      expect(queue.enqueue).not.toHaveBeenCalled();
      expect(observer.started).not.toHaveBeenCalled();
    });

    it('records REJECTED QueueUnavailable when it cannot be queued, reports it and answers SERVICE_UNAVAILABLE', async () => {
      queueable();
      const failure = new Error('ECONNREFUSED redis');
      queue.enqueue.mockRejectedValue(failure);

      await expect(sut.invoke(command({ async: true }))).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });

      const [queued] = recorder.insert.mock.calls[0]!;
      expect(committed()).toEqual([
        expect.objectContaining({
          id: queued.id,
          status: 'REJECTED',
          error: { type: 'QueueUnavailable', message: 'The invocation could not be queued' },
          finishedAt: expect.any(Date),
        }),
      ]);
      expect(errors.reports).toEqual([
        { error: failure, report: { source: 'invocation', where: `queueing invocation ${queued.id}`, functionName: 'greet', invocationId: queued.id } },
      ]);
      expect(observer.started).not.toHaveBeenCalled();
    });

    it('still answers SERVICE_UNAVAILABLE when the REJECTED record cannot be stored either', async () => {
      queueable();
      queue.enqueue.mockRejectedValue(new Error('ECONNREFUSED redis'));
      recorder.commit.mockRejectedValue(new Error('storage down'));

      await expect(sut.invoke(command({ async: true }))).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    });
  });

  describe('admission', () => {
    it('refuses a call while the record backlog is full, before looking anything up or recording anything', async () => {
      admission.assertAccepting.mockImplementation(() => {
        throw new ServiceUnavailableError('1000 invocation records are waiting to be stored; retry shortly', 1);
      });

      await expect(async () => sut.invoke(command())).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      await expect(async () => sut.invoke(command({ async: true }))).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      // Strict mocks: no lookup, limit, record or queue was touched, and nothing was counted in flight.
      expect(lookup.findFunction).not.toHaveBeenCalled();
      expect(admission.track).not.toHaveBeenCalled();
    });

    it('refuses a call while the node drains', async () => {
      admission.assertAccepting.mockImplementation(() => {
        throw new ServiceUnavailableError('This node is shutting down; retry (another node will answer)', 1);
      });

      await expect(async () => sut.invoke(command({ idempotencyKey: 'k-1' }))).rejects.toThrow(/shutting down/);
      expect(idempotency.claim).not.toHaveBeenCalled();
    });

    it('still takes a destination while the node drains (the run it reports on finished in time), and nothing else', async () => {
      invocable();
      recorder.insert.mockResolvedValue();
      queue.enqueue.mockResolvedValue();
      executor.execute.mockResolvedValue(succeeded);

      await sut.invoke(command({ async: true, trigger: 'DESTINATION' }));
      await sut.invoke(command({ async: true, trigger: 'SCHEDULE' }));
      await sut.invoke(command({ trigger: 'HTTP' }));

      expect(admission.assertAccepting.mock.calls).toEqual([[{ duringShutdown: true }], [{ duringShutdown: false }], [{ duringShutdown: false }]]);
    });

    it('counts the call from admission until it is answered, not only while it runs', async () => {
      invocable();
      const resolved = deferred<FunctionRecord>();
      lookup.findFunction.mockReturnValue(resolved.promise);
      executor.execute.mockResolvedValue(succeeded);

      void sut.invoke(command());
      // Tracked before its function is even resolved: a drain starting now waits for it.
      expect(admission.track).toHaveBeenCalledTimes(1);
      expect(admission.assertAccepting.mock.invocationCallOrder[0]).toBeLessThan(admission.track.mock.invocationCallOrder[0]!);

      resolved.resolve(fn);
      const [tracked] = admission.track.mock.calls[0]!;
      await expect(tracked).resolves.toMatchObject({ status: 'SUCCEEDED' });
    });

    it('answers a call admitted just before the cut FAILED Shutdown, without running it or reporting it', async () => {
      invocable();
      executor.killAll.mockReturnValue();
      const runner = (sut as unknown as { runner: InvocationRunner }).runner;
      await runner.cutAll();

      const result = await sut.invoke(command());

      expect(result).toMatchObject({ status: 'FAILED', error: { type: 'Shutdown', message: 'The server stopped before the invocation finished' } });
      expect(committed()).toEqual([expect.objectContaining({ id: result.id, status: 'FAILED', error: expect.objectContaining({ type: 'Shutdown' }) })]);
      expect(executor.execute).not.toHaveBeenCalled();
      expect(errors.reports).toEqual([]);
    });

    it('gives a call that succeeded just as the cut came its answer (not cut)', async () => {
      invocable();
      const run = deferred<ExecutionOutcome>();
      executor.execute.mockReturnValue(run.promise);
      // The kill comes too late: the function had already answered.
      executor.killAll.mockImplementation(() => run.resolve(succeeded));
      const runner = (sut as unknown as { runner: InvocationRunner }).runner;

      const invoking = sut.invoke(command());
      await settle();
      expect(runner.inFlight).toBe(1);
      await runner.cutAll();

      await expect(invoking).resolves.toMatchObject({ status: 'SUCCEEDED', response: { greeting: 'Hello, Ada' }, error: null });
      expect(committed()).toEqual([expect.objectContaining({ status: 'SUCCEEDED' })]);
    });

    it('refuses by rejecting the promise it returns, not by throwing', async () => {
      admission.assertAccepting.mockImplementation(() => {
        throw new ServiceUnavailableError('This node is shutting down; retry (another node will answer)', 1);
      });

      const invoking = sut.invoke(command());
      await expect(invoking).rejects.toBeInstanceOf(ServiceUnavailableError);
    });
  });

  describe('idempotency keys', () => {
    const scope = 'f-1:ivan';

    /** The key is free: this call claims it. */
    function claimable(): void {
      idempotency.claim.mockImplementation(async (_scope, _key, invocationId) => invocationId);
    }

    it('refuses an invalid key as BAD_USER_INPUT before anything else', async () => {
      for (const key of ['', 'with space', 'é', 'x'.repeat(256)]) {
        await expect(async () => sut.invoke(command({ idempotencyKey: key }))).rejects.toMatchObject({
          code: 'BAD_USER_INPUT',
          details: [{ field: 'idempotencyKey', message: 'not a valid key' }],
        });
      }
      // Strict mocks: not even admission was asked.
      expect(admission.assertAccepting).not.toHaveBeenCalled();
    });

    it('refuses a key from an anonymous caller as BAD_USER_INPUT before anything else (anonymous callers cannot be told apart)', async () => {
      await expect(async () => sut.invoke(command({ principal: ANONYMOUS, idempotencyKey: 'order-42' }))).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
        details: [{ field: 'idempotencyKey', message: 'send credentials, or no key' }],
      });
      // Strict mocks: not even admission was asked, no function looked up, no key claimed.
      expect(admission.assertAccepting).not.toHaveBeenCalled();
      expect(idempotency.claim).not.toHaveBeenCalled();
    });

    it('lets an anonymous caller invoke a public function without a key', async () => {
      invocable({ ...fn, permissions: { ...fn.permissions, public: true } });
      executor.execute.mockResolvedValue(succeeded);

      await expect(sut.invoke(command({ principal: ANONYMOUS }))).resolves.toMatchObject({ status: 'SUCCEEDED', callerId: null });
      // Strict mocks: no key claimed.
    });

    it('claims the key for the new invocation, per function and caller, for the configured window', async () => {
      invocable();
      claimable();
      recorder.insert.mockResolvedValue();
      executor.execute.mockResolvedValue(succeeded);
      const before = Date.now();

      const result = await sut.invoke(command({ idempotencyKey: 'order-42' }));

      const [claimScope, key, invocationId, expires, now] = idempotency.claim.mock.calls[0]!;
      expect([claimScope, key, invocationId]).toEqual([scope, 'order-42', result.id]);
      expect(now.getTime()).toBeGreaterThanOrEqual(before);
      expect(expires.getTime() - now.getTime()).toBe(3600 * 1000);

      // Another caller's same key is another key.
      await sut.invoke(command({ principal: dora, idempotencyKey: 'order-42' }));
      expect(idempotency.claim.mock.calls[1]![0]).toBe('f-1:dora');
    });

    it('stores a keyed synchronous call at once (not provisionally) before it runs, so other nodes find it', async () => {
      invocable();
      claimable();
      const stored = deferred();
      recorder.insert.mockReturnValue(stored.promise);
      executor.execute.mockResolvedValue(succeeded);

      const invoking = sut.invoke(command({ idempotencyKey: 'order-42' }));
      await settle();
      expect(recorder.insert).toHaveBeenCalledWith(expect.objectContaining({ status: 'RUNNING' }));
      expect(executor.execute).not.toHaveBeenCalled();

      stored.resolve();
      await expect(invoking).resolves.toMatchObject({ status: 'SUCCEEDED' });
      expect(recorder.insertProvisionally).not.toHaveBeenCalled();
    });

    it('replays the final state of the invocation that holds the key, running nothing', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
      invocable();
      idempotency.claim.mockResolvedValue('i-first');
      const running = anInvocation({ id: 'i-first', status: 'RUNNING', queued: false });
      const done = anInvocation({ id: 'i-first', status: 'SUCCEEDED', queued: false, response: { greeting: 'Hello, Ada' } });
      recorder.find.mockResolvedValueOnce(null).mockResolvedValueOnce(running).mockResolvedValueOnce(done);

      const replaying = sut.invoke(command({ idempotencyKey: 'order-42' }));
      await vi.advanceTimersByTimeAsync(250);

      await expect(replaying).resolves.toBe(done);
      expect(recorder.find).toHaveBeenCalledTimes(3);
      expect(recorder.find).toHaveBeenCalledWith('i-first');
      // Strict mocks: no record, no run.
      expect(executor.execute).not.toHaveBeenCalled();
      expect(recorder.insertProvisionally).not.toHaveBeenCalled();
    });

    it('replays a queued invocation as it is now, without waiting for it to end', async () => {
      invocable();
      idempotency.claim.mockResolvedValue('i-first');
      const queued = anInvocation({ id: 'i-first', status: 'QUEUED', queued: true });
      recorder.find.mockResolvedValue(queued);

      await expect(sut.invoke(command({ async: true, idempotencyKey: 'order-42' }))).resolves.toBe(queued);
      expect(recorder.find).toHaveBeenCalledTimes(1);
      expect(queue.enqueue).not.toHaveBeenCalled();
    });

    it('answers with the state of a replayed call that has not ended after 30 s', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
      invocable();
      idempotency.claim.mockResolvedValue('i-first');
      const running = anInvocation({ id: 'i-first', status: 'RUNNING', queued: false });
      recorder.find.mockResolvedValue(running);

      let replayed: InvocationRecord | undefined;
      void sut.invoke(command({ idempotencyKey: 'order-42' })).then((record) => (replayed = record));
      await vi.advanceTimersByTimeAsync(29_000);
      expect(replayed).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1_100);
      expect(replayed).toBe(running);
    });

    it('answers CONFLICT when the invocation holding the key never shows up', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
      invocable();
      idempotency.claim.mockResolvedValue('i-first');
      recorder.find.mockResolvedValue(null);

      const replaying = sut.invoke(command({ idempotencyKey: 'order-42' }));
      const outcome = expect(replaying).rejects.toMatchObject({ code: 'CONFLICT' });
      await vi.advanceTimersByTimeAsync(30_100);
      await outcome;
    });

    it('releases the key when the queued record cannot be stored, and answers SERVICE_UNAVAILABLE', async () => {
      invocable();
      claimable();
      const failure = new Error('storage down');
      recorder.insert.mockRejectedValue(failure);
      idempotency.release.mockResolvedValue();

      await expect(sut.invoke(command({ async: true, idempotencyKey: 'order-42' }))).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });

      const [queued] = recorder.insert.mock.calls[0]!;
      expect(idempotency.release).toHaveBeenCalledWith(scope, 'order-42', queued.id);
      expect(errors.reports).toEqual([{ error: failure, report: { source: 'storage', where: `storing invocation ${queued.id}`, invocationId: queued.id } }]);
    });

    it('releases the key when the call cannot be queued', async () => {
      invocable();
      claimable();
      recorder.insert.mockResolvedValue();
      queue.enqueue.mockRejectedValue(new Error('ECONNREFUSED redis'));
      idempotency.release.mockResolvedValue();

      await expect(sut.invoke(command({ async: true, idempotencyKey: 'order-42' }))).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });

      const [queued] = recorder.insert.mock.calls[0]!;
      expect(idempotency.release).toHaveBeenCalledWith(scope, 'order-42', queued.id);
      expect(idempotency.release.mock.invocationCallOrder[0]).toBeGreaterThan(recorder.commit.mock.invocationCallOrder[0]!);
    });

    it('releases the key when a keyed synchronous call cannot be stored, and still answers SERVICE_UNAVAILABLE if the release fails', async () => {
      invocable();
      claimable();
      const failure = new Error('storage down');
      recorder.insert.mockRejectedValue(failure);
      idempotency.release.mockRejectedValue(new Error('storage still down'));

      await expect(sut.invoke(command({ idempotencyKey: 'order-42' }))).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 });
      const [stored] = recorder.insert.mock.calls[0]!;
      expect(idempotency.release).toHaveBeenCalledWith(scope, 'order-42', stored.id);
      expect(errors.reports).toEqual([{ error: failure, report: { source: 'storage', where: `storing invocation ${stored.id}`, invocationId: stored.id } }]);
      expect(executor.execute).not.toHaveBeenCalled();
    });

    it('claims no key for a call refused before it is recorded (permissions)', async () => {
      admitting();
      lookup.findFunction.mockResolvedValue(fn);

      await expect(sut.invoke(command({ principal: mallory, idempotencyKey: 'order-42' }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(idempotency.claim).not.toHaveBeenCalled();
    });
  });

  describe('who may invoke', () => {
    beforeEach(() => admitting());

    it('answers NOT_FOUND for a private function the principal may not see, recording nothing', async () => {
      lookup.findFunction.mockResolvedValue(fn);

      await expect(sut.invoke(command({ principal: mallory }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(sut.invoke(command({ principal: ANONYMOUS }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('answers FORBIDDEN to one who may see the function but not invoke it', async () => {
      lookup.findFunction.mockResolvedValue(fn);

      await expect(sut.invoke(command({ principal: vera }))).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(sut.invoke(command({ principal: vera, async: true }))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    });

    it('lets anyone invoke a public function, recording no caller', async () => {
      invocable({ ...fn, permissions: { ...fn.permissions, public: true } });
      executor.execute.mockResolvedValue(succeeded);

      await expect(sut.invoke(command({ principal: ANONYMOUS }))).resolves.toMatchObject({ status: 'SUCCEEDED', callerId: null });
    });

    it('lets the owner invoke as a developer', async () => {
      invocable();
      executor.execute.mockResolvedValue(succeeded);

      await expect(sut.invoke(command({ principal: dora }))).resolves.toMatchObject({ status: 'SUCCEEDED', callerId: 'dora' });
    });

    it('refuses a rate-limited invocation before resolving or recording anything', async () => {
      lookup.findFunction.mockResolvedValue(fn);
      limits.consumeInvocation.mockRejectedValue(new RateLimitedError('Too many invocations of greet', 3));

      await expect(sut.invoke(command())).rejects.toMatchObject({ code: 'RATE_LIMITED' });
      expect(limits.consumeInvocation).toHaveBeenCalledWith(fn);
    });
  });

  describe('reading invocations', () => {
    const page = { first: 20 };
    const none = { items: [], hasMore: false };

    it('answers NOT_FOUND for an unknown invocation', async () => {
      recorder.find.mockResolvedValue(null);
      await expect(sut.getReadable(admin, 'i-x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(sut.getById('i-x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('lets admins and the caller read an invocation without looking at the function', async () => {
      recorder.find.mockResolvedValue(anInvocation({ callerId: 'ivan' }));

      await expect(sut.getReadable(admin, 'i-1')).resolves.toMatchObject({ id: 'i-1' });
      await expect(sut.getReadable(ivan, 'i-1')).resolves.toMatchObject({ id: 'i-1' });
    });

    it('lets those who read the function’s invocations read anyone’s, and hides them from others', async () => {
      recorder.find.mockResolvedValue(anInvocation({ callerId: 'ivan' }));
      lookup.findFunction.mockResolvedValue(fn);

      await expect(sut.getReadable(vera, 'i-1')).resolves.toMatchObject({ id: 'i-1' });
      await expect(sut.getReadable(dora, 'i-1')).resolves.toMatchObject({ id: 'i-1' });
      await expect(sut.getReadable(mallory, 'i-1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(sut.getReadable(ANONYMOUS, 'i-1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(lookup.findFunction).toHaveBeenCalledWith({ functionId: 'f-1' });
    });

    it('still checks the function’s readers once the function is deleted', async () => {
      recorder.find.mockResolvedValue(anInvocation({ callerId: 'ivan' }));
      lookup.findFunction.mockRejectedValue(new NotFoundError('Function', 'f-1'));
      functions.findByIds.mockResolvedValue([{ ...fn, deletedAt: new Date() }]);

      await expect(sut.getReadable(vera, 'i-1')).resolves.toMatchObject({ id: 'i-1' });
      await expect(sut.getReadable(mallory, 'i-1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(functions.findByIds).toHaveBeenCalledWith(['f-1']);
    });

    it('lists every invocation for admins', async () => {
      invocations.list.mockResolvedValue(none);
      await sut.listReadable(admin, { status: 'FAILED' }, page);
      expect(invocations.list).toHaveBeenCalledWith({ status: 'FAILED' }, page);
    });

    it('lists one’s own invocations when no function is named', async () => {
      invocations.list.mockResolvedValue(none);
      await sut.listReadable(ivan, { status: 'FAILED' }, page);
      expect(invocations.list).toHaveBeenCalledWith({ status: 'FAILED', callerId: 'ivan' }, page);
    });

    it('lists all of a function’s invocations to its readers, and their own to those who only invoke it', async () => {
      functions.findByIds.mockResolvedValue([fn]);
      invocations.list.mockResolvedValue(none);

      await sut.listReadable(vera, { functionId: 'f-1' }, page);
      expect(invocations.list).toHaveBeenLastCalledWith({ functionId: 'f-1' }, page);

      await sut.listReadable(ivan, { functionId: 'f-1' }, page);
      expect(invocations.list).toHaveBeenLastCalledWith({ functionId: 'f-1', callerId: 'ivan' }, page);
    });

    it('answers NOT_FOUND for a function the principal may not see, and UNAUTHENTICATED without credentials', async () => {
      functions.findByIds.mockResolvedValue([fn]);

      await expect(sut.listReadable(mallory, { functionId: 'f-1' }, page)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(sut.listReadable(ANONYMOUS, {}, page)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    });
  });

  describe('redrive', () => {
    const deadLettered = anInvocation({
      id: 'i-dead',
      status: 'DEAD_LETTERED',
      queued: true,
      trigger: 'ASYNC',
      attempt: 3,
      nodeId: 'node-b',
      request: { ...event, headers: { authorization: '[redacted]' } },
      requestTruncated: false,
      error: { type: 'TypeError', message: 'x is undefined' },
      startedAt: new Date(1000),
      finishedAt: new Date(2000),
      queuedAt: new Date(0),
    });

    beforeEach(() => {
      recorder.find.mockResolvedValue(deadLettered);
      recorder.stored.mockResolvedValue();
      lookup.findFunction.mockResolvedValue(fn);
    });

    it('queues a dead-lettered invocation again with a fresh set of attempts and its stored event', async () => {
      admission.assertAccepting.mockReturnValue();
      invocations.transition.mockResolvedValue(true);
      queue.enqueue.mockResolvedValue();

      const queued = await sut.redrive(ivan, 'i-dead');

      // Storage holds what this node showed before the conditional transition is tried there.
      expect(recorder.stored.mock.invocationCallOrder[0]).toBeLessThan(invocations.transition.mock.invocationCallOrder[0]!);

      expect(queued).toMatchObject({ id: 'i-dead', status: 'QUEUED', attempt: 0, nodeId: null, startedAt: null, finishedAt: null });
      expect(queued.queuedAt.getTime()).toBeGreaterThan(0);
      expect(invocations.transition).toHaveBeenCalledWith(queued, ['DEAD_LETTERED']);
      expect(queue.enqueue).toHaveBeenCalledWith({
        invocationId: 'i-dead',
        sealedEvent: new QueuedEventSeal(new PlainTestCipher()).seal(deadLettered.request),
      });
      expect(invocations.transition.mock.invocationCallOrder[0]).toBeLessThan(queue.enqueue.mock.invocationCallOrder[0]!);
    });

    it('answers CONFLICT for an invocation that is not DEAD_LETTERED', async () => {
      for (const status of ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED'] as const) {
        recorder.find.mockResolvedValue({ ...deadLettered, status });
        await expect(sut.redrive(ivan, 'i-dead')).rejects.toMatchObject({ code: 'CONFLICT' });
      }
      // Strict mocks: nothing was transitioned nor queued.
    });

    it('answers CONFLICT for an invocation that kept only part of its request', async () => {
      recorder.find.mockResolvedValue({ ...deadLettered, requestTruncated: true });

      await expect(sut.redrive(ivan, 'i-dead')).rejects.toThrow(/only part of its request/);
    });

    it('answers CONFLICT, queueing nothing, when another redrive won the transition', async () => {
      admission.assertAccepting.mockReturnValue();
      invocations.transition.mockResolvedValue(false);

      await expect(sut.redrive(ivan, 'i-dead')).rejects.toThrow(/re-driven already/);
      expect(queue.enqueue).not.toHaveBeenCalled();
    });

    it('is refused while the node drains', async () => {
      admission.assertAccepting.mockImplementation(() => {
        throw new ServiceUnavailableError('This node is shutting down; retry (another node will answer)', 1);
      });

      await expect(sut.redrive(ivan, 'i-dead')).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      expect(invocations.transition).not.toHaveBeenCalled();
    });

    it('answers NOT_FOUND to one who may not read the invocation, and FORBIDDEN to a reader who may not invoke', async () => {
      await expect(sut.redrive(mallory, 'i-dead')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(sut.redrive(vera, 'i-dead')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    });

    it('puts the invocation back DEAD_LETTERED, reports the error and answers SERVICE_UNAVAILABLE when it cannot be queued', async () => {
      admission.assertAccepting.mockReturnValue();
      invocations.transition.mockResolvedValue(true);
      const failure = new Error('ECONNREFUSED redis');
      queue.enqueue.mockRejectedValue(failure);

      await expect(sut.redrive(ivan, 'i-dead')).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 });

      expect(invocations.transition).toHaveBeenCalledTimes(2);
      // Back exactly as it was (attempts, node, times), and only if it is still the QUEUED state this redrive wrote.
      expect(invocations.transition).toHaveBeenLastCalledWith(deadLettered, ['QUEUED']);
      expect(errors.reports).toEqual([{ error: failure, report: { source: 'invocation', where: 're-driving invocation i-dead', invocationId: 'i-dead' } }]);
      // Not announced as QUEUED: it never was, as far as anyone is told.
      expect(events.mayHaveSubscribers).not.toHaveBeenCalled();
    });
  });
});
