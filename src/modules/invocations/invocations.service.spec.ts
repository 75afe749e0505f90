import { Logger } from '@nestjs/common';
import { afterEach, beforeEach, describe, expect, it, type Mocked, vi } from 'vitest';
import { AppConfig } from '@/kernel/config/app-config.js';
import { NotFoundError, RateLimitedError, ThrottledError } from '@/kernel/errors/domain-error.js';
import { EventBus } from '@/kernel/events/event-bus.js';
import { ANONYMOUS, type Principal } from '@/kernel/identity/principal.js';
import type { Role } from '@/kernel/identity/roles.js';
import type { ExecutionOutcome, ExecutionTarget, InvocationEvent } from '@/modules/executor/execution.types.js';
import { ExecutorService } from '@/modules/executor/executor.service.js';
import { FunctionAccessPolicy } from '@/modules/functions/function-access.policy.js';
import type { FunctionRecord } from '@/modules/functions/function.record.js';
import { FunctionsService } from '@/modules/functions/functions.service.js';
import { RateLimitsService } from '@/modules/limits/rate-limits.service.js';
import type { FunctionVersionRecord } from '@/modules/versions/version.record.js';
import { automock } from '../../../test/support/automock.js';
import { RecordedErrors } from '../../../test/support/recorded-errors.js';
import { FunctionLookup } from './function-lookup.service.js';
import { functionInvocationsChannel, type InvocationUpdatedEvent, invocationUpdatedChannel } from './invocation.channels.js';
import { InvocationLogsService } from './invocation-logs.service.js';
import { InvocationObserver } from './invocation-observer.js';
import type { InvocationRecord } from './invocation.record.js';
import { InvocationRecorder } from './invocation-recorder.js';
import { InvocationRepository } from './invocation.repository.js';
import { type InvokeCommand, InvocationsService } from './invocations.service.js';
import { LiveLog } from './live-log.js';

const config = AppConfig.fromEnvironment({ NODE_ENV: 'test', FNGRAPH_SHUTDOWN_GRACE_SECONDS: '10' });

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
const version = { id: 'v-1', functionId: 'f-1', version: '1.2.0' } as FunctionVersionRecord;
const target: ExecutionTarget = {
  versionId: 'v-1',
  functionId: 'f-1',
  functionName: 'greet',
  version: '1.2.0',
  runtime: 'nodejs20',
  artifact: 'module.exports = () => "hi"',
  environment: {},
  dependenciesDir: null,
  timeoutMs: 5000,
  memoryLimitMb: 128,
  minInstances: 0,
  maxInstances: 4,
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

describe(InvocationsService.name, () => {
  let sut: InvocationsService;
  let lookup: Mocked<FunctionLookup>;
  let executor: Mocked<ExecutorService>;
  let invocations: Mocked<InvocationRepository>;
  let recorder: Mocked<InvocationRecorder>;
  let logs: Mocked<InvocationLogsService>;
  let events: Mocked<EventBus>;
  let limits: Mocked<RateLimitsService>;
  let functions: Mocked<FunctionsService>;
  let observer: Mocked<InvocationObserver>;
  let errors: RecordedErrors;

  beforeEach(() => {
    lookup = automock(FunctionLookup);
    executor = automock(ExecutorService, { properties: { driverKind: 'process' } });
    invocations = automock(InvocationRepository, { methods: ['saveAll', 'findById', 'findByIds', 'list', 'latestByFunctionIds'] });
    recorder = automock(InvocationRecorder);
    logs = automock(InvocationLogsService);
    events = automock(EventBus, { methods: ['publish', 'mayHaveSubscribers', 'subscribe'] });
    limits = automock(RateLimitsService);
    functions = automock(FunctionsService);
    observer = automock(InvocationObserver, { methods: ['started', 'sandboxAcquired', 'finished', 'abandoned'] });
    errors = new RecordedErrors();
    sut = new InvocationsService(
      lookup,
      executor,
      invocations,
      recorder,
      logs,
      events,
      config,
      new FunctionAccessPolicy(),
      limits,
      functions,
      observer,
      errors,
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

  /** The function resolves, the caller is within its limits, and the run's output is collected. */
  function invocable(record: FunctionRecord = fn): void {
    lookup.findFunction.mockResolvedValue(record);
    limits.consumeInvocation.mockResolvedValue();
    lookup.resolveVersion.mockResolvedValue({ function: record, version, target });
    logs.open.mockImplementation((invocationId, functionId) => new LiveLog(invocationId, functionId, 100, 1024));
    logs.append.mockImplementation((log, stream, message) => log.append(stream, message) !== null);
    logs.close.mockReturnValue();
    recorder.saveProvisionally.mockReturnValue();
    recorder.save.mockReturnValue();
  }

  const saved = () => recorder.save.mock.calls.map(([record]) => record);

  describe('a synchronous invocation', () => {
    it('records a provisional RUNNING record, then the final one with the outcome', async () => {
      invocable();
      executor.execute.mockResolvedValue(succeeded);

      const result = await sut.invoke(command());

      const [provisional] = recorder.saveProvisionally.mock.calls[0]!;
      expect(provisional).toMatchObject({
        id: result.id,
        functionId: 'f-1',
        functionName: 'greet',
        versionId: 'v-1',
        version: '1.2.0',
        trigger: 'GRAPHQL',
        callerId: 'ivan',
        status: 'RUNNING',
        startedAt: expect.any(Date),
        finishedAt: null,
      });
      // Credentials never reach storage.
      expect(provisional.request.headers).toEqual({ authorization: '[redacted]', 'content-type': 'application/json' });
      expect(saved()).toEqual([
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
      expect(result).toEqual(saved()[0]);
      expect(recorder.saveProvisionally.mock.invocationCallOrder[0]).toBeLessThan(executor.execute.mock.invocationCallOrder[0]!);
      expect(observer.finished).toHaveBeenCalledWith(result);
    });

    it('hands the executor the version’s target, the whole event and the invocation context', async () => {
      invocable();
      executor.execute.mockResolvedValue(succeeded);

      const result = await sut.invoke(command());

      expect(lookup.findFunction).toHaveBeenCalledWith({ name: 'greet' });
      expect(lookup.resolveVersion).toHaveBeenCalledWith(fn, undefined);
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
      expect(logs.close).toHaveBeenCalledTimes(1);
      expect(observer.sandboxAcquired).toHaveBeenCalledWith(expect.objectContaining({ id: result.id }), { cold: true, waitedMs: 7 });
    });

    it('returns a large result whole but keeps only a marker on the record', async () => {
      invocable();
      const big = 'x'.repeat(300 * 1024);
      executor.execute.mockResolvedValue({ ...succeeded, value: big });

      const result = await sut.invoke(command());

      expect(result.response).toBe(big);
      expect(saved()[0]).toMatchObject({ response: null, responseTruncated: true });
    });

    it('records a function failure as the executor reports it', async () => {
      invocable();
      const error = { type: 'TypeError', message: 'x is undefined' };
      executor.execute.mockResolvedValue({ ...succeeded, status: 'FAILED', value: undefined, error });

      const result = await sut.invoke(command());

      expect(result).toMatchObject({ status: 'FAILED', error, response: null });
      expect(saved()[0]).toMatchObject({ status: 'FAILED', error });
    });

    it('records a throttled invocation as REJECTED and rethrows', async () => {
      invocable();
      executor.execute.mockRejectedValue(new ThrottledError('All 4 instances are busy'));

      await expect(sut.invoke(command())).rejects.toBeInstanceOf(ThrottledError);

      expect(saved()).toEqual([
        expect.objectContaining({ status: 'REJECTED', error: { type: 'Throttled', message: 'All 4 instances are busy' }, finishedAt: expect.any(Date) }),
      ]);
      expect(observer.finished).toHaveBeenCalledWith(saved()[0]);
      expect(observer.abandoned).not.toHaveBeenCalled();
      expect(logs.close).toHaveBeenCalledTimes(1);
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
    it('is stored QUEUED before its id is returned, and runs in the background', async () => {
      invocable();
      let stored!: () => void;
      recorder.saveNow.mockReturnValue(new Promise<void>((resolve) => (stored = resolve)));
      let finish!: (outcome: ExecutionOutcome) => void;
      executor.execute.mockReturnValue(new Promise((resolve) => (finish = resolve)));

      let returned: InvocationRecord | undefined;
      const invoking = sut.invoke(command({ async: true })).then((record) => (returned = record));
      await settle();
      expect(recorder.saveNow).toHaveBeenCalledWith(expect.objectContaining({ status: 'QUEUED', trigger: 'ASYNC', startedAt: null }));
      expect(returned).toBeUndefined();
      expect(executor.execute).not.toHaveBeenCalled();

      stored();
      await invoking;
      expect(returned).toMatchObject({ status: 'QUEUED', trigger: 'ASYNC' });
      expect(saved()).toEqual([expect.objectContaining({ id: returned!.id, status: 'RUNNING', startedAt: expect.any(Date) })]);

      finish(succeeded);
      await settle();
      expect(saved()[1]).toMatchObject({ id: returned!.id, status: 'SUCCEEDED', trigger: 'ASYNC', response: { greeting: 'Hello, Ada' } });
      expect(recorder.saveProvisionally).not.toHaveBeenCalled();
    });

    it('runs nothing when its record cannot be stored', async () => {
      invocable();
      recorder.saveNow.mockRejectedValue(new Error('storage down'));

      await expect(sut.invoke(command({ async: true }))).rejects.toThrow('storage down');
      // Strict mocks: the executor, the recorder's save and the observer's `started` were not reached.
      expect(observer.started).not.toHaveBeenCalled();
    });

    it('reports a background failure that is not a DomainError as unexpected', async () => {
      invocable();
      recorder.saveNow.mockResolvedValue();
      const failure = new Error('sandbox exploded');
      executor.execute.mockRejectedValue(failure);

      const queued = await sut.invoke(command({ async: true }));
      await settle();

      expect(errors.reports).toEqual([
        { error: failure, report: { source: 'invocation', where: `invocation ${queued.id}`, functionName: 'greet', invocationId: queued.id } },
      ]);
      expect(observer.abandoned).toHaveBeenCalledWith(expect.objectContaining({ id: queued.id, status: 'RUNNING' }), failure);
    });

    it('records a throttled background invocation as REJECTED without reporting it', async () => {
      invocable();
      recorder.saveNow.mockResolvedValue();
      executor.execute.mockRejectedValue(new ThrottledError('queue full'));

      const queued = await sut.invoke(command({ async: true }));
      await settle();

      expect(saved().map((record) => record.status)).toEqual(['RUNNING', 'REJECTED']);
      expect(saved()[1]).toMatchObject({ id: queued.id, error: { type: 'Throttled', message: 'queue full' } });
      expect(errors.reports).toEqual([]);
    });
  });

  describe('who may invoke', () => {
    it('answers NOT_FOUND for a private function the principal may not see, recording nothing', async () => {
      lookup.findFunction.mockResolvedValue(fn);

      await expect(sut.invoke(command({ principal: mallory }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(sut.invoke(command({ principal: ANONYMOUS }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('answers FORBIDDEN to one who may see the function but not invoke it', async () => {
      lookup.findFunction.mockResolvedValue(fn);

      await expect(sut.invoke(command({ principal: vera }))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    });

    it('lets anyone invoke a public function, recording no caller', async () => {
      invocable({ ...fn, permissions: { ...fn.permissions, public: true } });
      executor.execute.mockResolvedValue(succeeded);

      await expect(sut.invoke(command({ principal: ANONYMOUS }))).resolves.toMatchObject({ status: 'SUCCEEDED', callerId: null });
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

  describe('shutdown', () => {
    it('waits for running invocations, then writes every record', async () => {
      invocable();
      let finish!: (outcome: ExecutionOutcome) => void;
      executor.execute.mockReturnValue(new Promise((resolve) => (finish = resolve)));
      recorder.flush.mockResolvedValue();
      const running = sut.invoke(command());
      await settle();

      let stopped = false;
      const stopping = sut.beforeApplicationShutdown().then(() => (stopped = true));
      await settle();
      expect(stopped).toBe(false);
      expect(recorder.flush).not.toHaveBeenCalled();

      finish(succeeded);
      await Promise.all([running, stopping]);
      expect(recorder.flush).toHaveBeenCalledTimes(1);
      expect(recorder.save.mock.invocationCallOrder[0]).toBeLessThan(recorder.flush.mock.invocationCallOrder[0]!);
    });

    it('kills the sandboxes still running after the grace period, and still records their end', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      invocable();
      let finish!: (outcome: ExecutionOutcome) => void;
      executor.execute.mockReturnValue(new Promise((resolve) => (finish = resolve)));
      executor.killAll.mockImplementation(() =>
        finish({ ...succeeded, status: 'FAILED', value: undefined, error: { type: 'SandboxCrashed', message: 'killed' } }),
      );
      recorder.flush.mockResolvedValue();
      const running = sut.invoke(command());
      await settle();

      const stopping = sut.beforeApplicationShutdown();
      await vi.advanceTimersByTimeAsync(9_999);
      expect(executor.killAll).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      expect(executor.killAll).toHaveBeenCalledTimes(1);

      await stopping;
      await expect(running).resolves.toMatchObject({ status: 'FAILED' });
      expect(saved()).toEqual([expect.objectContaining({ status: 'FAILED' })]);
      expect(recorder.flush).toHaveBeenCalledTimes(1);
    });

    it('only flushes the recorder when nothing runs', async () => {
      recorder.flush.mockResolvedValue();
      await sut.beforeApplicationShutdown();
      expect(recorder.flush).toHaveBeenCalledTimes(1);
    });
  });
});

/** Lets every pending promise callback run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));
