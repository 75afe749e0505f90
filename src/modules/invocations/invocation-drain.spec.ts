import { Logger } from '@nestjs/common';
import { afterEach, beforeEach, describe, expect, it, type Mocked, vi } from 'vitest';
import { AppConfig } from '@/kernel/config/app-config.js';
import { automock } from '../../../test/support/automock.js';
import { InvocationAdmission } from './invocation-admission.js';
import { InvocationDrain } from './invocation-drain.js';
import { InvocationRecorder } from './invocation-recorder.js';
import { InvocationRunner } from './invocation-runner.js';
import { InvocationWorker } from './invocation-worker.js';
import { NodeSweeper } from './node-sweeper.js';

const config = AppConfig.fromEnvironment({ NODE_ENV: 'test', FNGRAPH_SHUTDOWN_GRACE_SECONDS: '10' });

/** A promise settled from outside. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((res) => (resolve = res));
  return { promise, resolve };
}

describe(InvocationDrain.name, () => {
  let sut: InvocationDrain;
  let admission: Mocked<InvocationAdmission>;
  let worker: Mocked<InvocationWorker>;
  let runner: Mocked<InvocationRunner>;
  let recorder: Mocked<InvocationRecorder>;
  let sweeper: Mocked<NodeSweeper>;
  let warn: ReturnType<typeof vi.spyOn>;
  /** Invocations admitted and not finished, as the test says. */
  let inFlight: number;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    admission = automock(InvocationAdmission);
    worker = automock(InvocationWorker);
    runner = automock(InvocationRunner);
    recorder = automock(InvocationRecorder);
    sweeper = automock(NodeSweeper);
    inFlight = 0;
    Object.defineProperty(admission, 'inFlight', { get: () => inFlight, configurable: true });
    sut = new InvocationDrain(admission, worker, runner, recorder, sweeper, config);
    warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);

    admission.stopAccepting.mockReturnValue();
    worker.stop.mockResolvedValue();
    recorder.flush.mockResolvedValue();
    sweeper.stop.mockResolvedValue();
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  /** Invocations that end when `end` is called; `settle` waits for them up to its deadline, like the real admission's. */
  function running(count: number): { end: () => void } {
    inFlight = count;
    const ended = deferred();
    admission.settle.mockImplementation(
      (deadline) =>
        new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), deadline - Date.now());
          void ended.promise.then(() => {
            clearTimeout(timer);
            resolve(true);
          });
        }),
    );
    return {
      end: () => {
        inFlight = 0;
        ended.resolve();
      },
    };
  }

  const order = (...mocks: Array<{ mock: { invocationCallOrder: number[] } }>) => mocks.map((mock) => mock.mock.invocationCallOrder[0]);

  it('with nothing running: refuses new calls, stops the worker, stores every record, leaves the registry, in that order', async () => {
    admission.settle.mockResolvedValue(true);
    await sut.drain();

    expect(admission.stopAccepting).toHaveBeenCalledTimes(1);
    expect(worker.stop).toHaveBeenCalledTimes(1);
    expect(recorder.flush).toHaveBeenCalledTimes(1);
    expect(sweeper.stop).toHaveBeenCalledTimes(1);
    const calls = order(admission.stopAccepting, worker.stop, recorder.flush, sweeper.stop);
    expect(calls).toEqual([...calls].sort((a, b) => a! - b!));
    // Strict mocks: nothing cut.
  });

  it('lets running calls finish within the grace period, then stores their records', async () => {
    const runs = running(2);

    let drained = false;
    const draining = sut.drain().then(() => (drained = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(admission.stopAccepting).toHaveBeenCalled();
    // The worker is told to stop at once, not after the calls finish.
    expect(worker.stop).toHaveBeenCalled();
    expect(admission.settle).toHaveBeenCalledWith(Date.now() + 10_000);
    expect(recorder.flush).not.toHaveBeenCalled();

    await vi.advanceTimersByTimeAsync(4_000);
    runs.end();
    await draining;
    expect(drained).toBe(true);
    // Strict mocks: nothing was cut.
    expect(runner.cutAll).not.toHaveBeenCalled();
    expect(recorder.flush).toHaveBeenCalledTimes(1);
    expect(warn).not.toHaveBeenCalled();
  });

  it('cuts the calls still running at the end of the grace period, then stores their records', async () => {
    running(1);
    runner.cutAll.mockImplementation(async () => {
      inFlight = 0;
    });

    const draining = sut.drain();
    await vi.advanceTimersByTimeAsync(9_999);
    expect(runner.cutAll).not.toHaveBeenCalled();
    expect(recorder.flush).not.toHaveBeenCalled();

    await vi.advanceTimersByTimeAsync(1);
    await draining;
    expect(runner.cutAll).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith('Cutting 1 invocation(s) still running after the shutdown grace period');
    const calls = order(runner.cutAll, recorder.flush, sweeper.stop);
    expect(calls).toEqual([...calls].sort((a, b) => a! - b!));
  });

  it('stores the records only once the worker has stopped (its cut jobs released)', async () => {
    running(1);
    const workerStopped = deferred();
    worker.stop.mockReturnValue(workerStopped.promise);
    runner.cutAll.mockImplementation(async () => {
      inFlight = 0;
    });

    const draining = sut.drain();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runner.cutAll).toHaveBeenCalledTimes(1);
    expect(recorder.flush).not.toHaveBeenCalled();

    workerStopped.resolve();
    await draining;
    expect(recorder.flush).toHaveBeenCalledTimes(1);
    expect(sweeper.stop).toHaveBeenCalledTimes(1);
  });

  it('leaves the registry only once every record is stored', async () => {
    admission.settle.mockResolvedValue(true);
    const flushed = deferred();
    recorder.flush.mockReturnValue(flushed.promise);

    const draining = sut.drain();
    await vi.advanceTimersByTimeAsync(0);
    expect(sweeper.stop).not.toHaveBeenCalled();

    flushed.resolve();
    await draining;
    expect(sweeper.stop).toHaveBeenCalledTimes(1);
  });

  it('with no grace period, cuts what runs at once', async () => {
    const sutWithoutGrace = new InvocationDrain(
      admission,
      worker,
      runner,
      recorder,
      sweeper,
      AppConfig.fromEnvironment({ NODE_ENV: 'test', FNGRAPH_SHUTDOWN_GRACE_SECONDS: '0' }),
    );
    inFlight = 3;
    admission.settle.mockResolvedValue(false);
    runner.cutAll.mockImplementation(async () => {
      inFlight = 0;
    });

    await sutWithoutGrace.drain();

    expect(runner.cutAll).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith('Cutting 3 invocation(s) still running after the shutdown grace period');
  });

  it('drains once, however often it is asked (SIGTERM, then the application closing)', async () => {
    admission.settle.mockResolvedValue(true);
    const first = sut.drain();
    const second = sut.beforeApplicationShutdown();
    expect(second).toBe(first);
    await Promise.all([first, second]);
    await sut.drain();

    expect(admission.stopAccepting).toHaveBeenCalledTimes(1);
    expect(worker.stop).toHaveBeenCalledTimes(1);
    expect(recorder.flush).toHaveBeenCalledTimes(1);
    expect(sweeper.stop).toHaveBeenCalledTimes(1);
  });
});
