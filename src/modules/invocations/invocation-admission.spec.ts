import { afterEach, beforeEach, describe, expect, it, type Mocked, vi } from 'vitest';
import { ServiceUnavailableError } from '@/kernel/errors/domain-error.js';
import { type HealthCheck, HealthChecks } from '@/modules/health/health-checks.js';
import { automock } from '../../../test/support/automock.js';
import { InvocationAdmission } from './invocation-admission.js';
import { InvocationRecorder } from './invocation-recorder.js';

/** A promise settled from outside: lets a test hold admitted work and look at the admission meanwhile. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe(InvocationAdmission.name, () => {
  let sut: InvocationAdmission;
  let recorder: Mocked<InvocationRecorder>;
  let checks: Mocked<HealthChecks>;

  beforeEach(() => {
    recorder = automock(InvocationRecorder, { properties: { healthy: true, backlog: 0 } });
    checks = automock(HealthChecks);
    sut = new InvocationAdmission(recorder, checks);
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  describe('assertAccepting', () => {
    it('accepts while the recorder does', () => {
      recorder.assertAccepting.mockReturnValue();

      expect(() => sut.assertAccepting()).not.toThrow();
      expect(sut.accepting).toBe(true);
      expect(recorder.assertAccepting).toHaveBeenCalledTimes(1);
    });

    it('refuses with the recorder’s SERVICE_UNAVAILABLE while records cannot be stored promptly', () => {
      const full = new ServiceUnavailableError('1000 invocation records are waiting to be stored; retry shortly', 1);
      recorder.assertAccepting.mockImplementation(() => {
        throw full;
      });

      expect(() => sut.assertAccepting()).toThrow(full);
      // Even work taken during a shutdown needs its record stored.
      expect(() => sut.assertAccepting({ duringShutdown: true })).toThrow(full);
    });

    it('refuses new work once stopping, with SERVICE_UNAVAILABLE (retry in 1 s, elsewhere), without asking the recorder', () => {
      sut.stopAccepting();

      expect(sut.accepting).toBe(false);
      expect(() => sut.assertAccepting()).toThrow(ServiceUnavailableError);
      expect(() => sut.assertAccepting({ duringShutdown: false })).toThrow(/shutting down/);
      let refusal: unknown;
      try {
        sut.assertAccepting();
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 });
      // Strict mocks: the recorder was not asked.
      expect(recorder.assertAccepting).not.toHaveBeenCalled();
    });

    it('still takes work that must be taken during a shutdown (a destination), if the recorder does', () => {
      sut.stopAccepting();
      recorder.assertAccepting.mockReturnValue();

      expect(() => sut.assertAccepting({ duringShutdown: true })).not.toThrow();
      expect(recorder.assertAccepting).toHaveBeenCalledTimes(1);
    });
  });

  describe('readiness', () => {
    function registered(): Map<string, HealthCheck> {
      checks.register.mockReturnValue();
      sut.onModuleInit();
      return new Map(checks.register.mock.calls.map(([check]) => [check.name, check]));
    }

    it('is ready while records are stored and the node accepts work; unready once it stops accepting', async () => {
      const all = registered();
      expect([...all.keys()]).toEqual(['invocationRecords', 'accepting']);

      await expect(all.get('invocationRecords')!.check()).resolves.toBe('0 waiting');
      await expect(all.get('accepting')!.check()).resolves.toBeUndefined();

      sut.stopAccepting();
      await expect(all.get('accepting')!.check()).rejects.toThrow('shutting down');
    });

    it('is unready while storage refuses the records', async () => {
      const all = registered();
      Object.assign(recorder, { healthy: false, backlog: 12 });

      await expect(all.get('invocationRecords')!.check()).rejects.toThrow('invocation records cannot be written to storage');
    });
  });

  describe('track', () => {
    it('counts work in flight from the moment it is admitted until it settles, and hands it back unchanged', async () => {
      const first = deferred<string>();
      const second = deferred<string>();

      const tracked = sut.track(first.promise);
      sut.track(second.promise).catch(() => undefined);

      expect(tracked).toBe(first.promise);
      expect(sut.inFlight).toBe(2);

      first.resolve('answered');
      await expect(tracked).resolves.toBe('answered');
      expect(sut.inFlight).toBe(1);

      // Work that fails counts until it fails too; its caller still gets the failure.
      const failure = new Error('refused');
      second.reject(failure);
      await expect(second.promise).rejects.toBe(failure);
      expect(sut.inFlight).toBe(0);
    });
  });

  describe('settle', () => {
    beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] }));

    it('resolves true at once with nothing in flight, even past its deadline', async () => {
      await expect(sut.settle(Date.now() - 1)).resolves.toBe(true);
    });

    it('resolves true once all tracked work has settled, failed work included', async () => {
      const call = deferred<string>();
      const job = deferred<string>();
      sut.track(call.promise);
      sut.track(job.promise).catch(() => undefined);

      let settled: boolean | undefined;
      const settling = sut.settle(Date.now() + 10_000).then((result) => (settled = result));

      call.resolve('answered');
      await vi.advanceTimersByTimeAsync(5_000);
      expect(settled).toBeUndefined();

      job.reject(new Error('storage down'));
      await settling;
      expect(settled).toBe(true);
      expect(sut.inFlight).toBe(0);
    });

    it('also waits for work admitted while it waits (a destination sent by a job that just ended)', async () => {
      const job = deferred<string>();
      const destination = deferred<string>();
      sut.track(job.promise);

      let settled: boolean | undefined;
      const settling = sut.settle(Date.now() + 10_000).then((result) => (settled = result));

      sut.track(destination.promise);
      job.resolve('done');
      await vi.advanceTimersByTimeAsync(1_000);
      expect(settled).toBeUndefined();
      expect(sut.inFlight).toBe(1);

      destination.resolve('queued');
      await settling;
      expect(settled).toBe(true);
    });

    it('resolves false at the deadline with work still in flight, which stays counted', async () => {
      sut.track(deferred<string>().promise);

      let settled: boolean | undefined;
      const settling = sut.settle(Date.now() + 10_000).then((result) => (settled = result));

      await vi.advanceTimersByTimeAsync(9_999);
      expect(settled).toBeUndefined();

      await vi.advanceTimersByTimeAsync(1);
      await settling;
      expect(settled).toBe(false);
      expect(sut.inFlight).toBe(1);
    });

    it('resolves false at once when the deadline has passed and work is in flight', async () => {
      sut.track(deferred<string>().promise);

      await expect(sut.settle(Date.now())).resolves.toBe(false);
    });
  });
});
