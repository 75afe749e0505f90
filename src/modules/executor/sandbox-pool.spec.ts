import { afterEach, describe, expect, it, type Mock, vi } from 'vitest';
import { ThrottledError } from '@/kernel/errors/domain-error.js';
import { SandboxAdmission } from './sandbox-admission.js';
import { type PoolLimits, type PooledSandbox, SandboxPool } from './sandbox-pool.js';

interface FakeSandbox extends PooledSandbox {
  readonly name: string;
  readonly connection: PooledSandbox['connection'] & { alive: boolean; handle: { kill: Mock<() => void> } };
}

/** The pool only reads `alive` and calls `kill`; a sandbox dies when killed, as a real one does. */
function fakeSandbox(name: string): FakeSandbox {
  const connection = {
    alive: true,
    handle: {
      kill: vi.fn(() => {
        connection.alive = false;
      }),
    },
  };
  return { name, connection, initDurationMs: 5, lastUsedAt: 0 } as unknown as FakeSandbox;
}

/**
 * Sandbox starts the test finishes when it chooses: `next()` resolves the oldest start
 * with a new sandbox, `fail()` rejects it.
 */
function starter() {
  const pending: Array<{ resolve: (sandbox: FakeSandbox) => void; reject: (error: Error) => void }> = [];
  let count = 0;
  const start = vi.fn(() => new Promise<FakeSandbox>((resolve, reject) => pending.push({ resolve, reject })));
  return {
    start,
    get pending() {
      return pending.length;
    },
    next(): FakeSandbox {
      const sandbox = fakeSandbox(`s${++count}`);
      pending.shift()!.resolve(sandbox);
      return sandbox;
    },
    fail(error = new Error('cannot start')): void {
      pending.shift()!.reject(error);
    },
  };
}

const limits = (overrides: Partial<PoolLimits> = {}): PoolLimits => ({ minInstances: 0, maxInstances: 2, maxQueued: 10, queueTimeoutMs: 1000, ...overrides });

/** Acquires and records how the lease settled, without awaiting it. */
function track(lease: Promise<{ sandbox: PooledSandbox; cold: boolean }>) {
  const result: { sandbox?: FakeSandbox; cold?: boolean; error?: unknown } = {};
  lease.then(
    ({ sandbox, cold }) => Object.assign(result, { sandbox, cold }),
    (error: unknown) => (result.error = error),
  );
  return result;
}

describe(SandboxPool.name, () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts a sandbox when none is idle, and reuses it warm once released', async () => {
    const starts = starter();
    const pool = new SandboxPool(starts.start, limits());

    const first = pool.acquire();
    expect(pool.instances).toBe(1);
    const sandbox = starts.next();
    await expect(first).resolves.toEqual({ sandbox, cold: true });

    pool.release(sandbox, true);
    expect(pool.idleInstances).toBe(1);
    await expect(pool.acquire()).resolves.toEqual({ sandbox, cold: false });
    expect(starts.start).toHaveBeenCalledTimes(1);
  });

  it('hands out the most recently used idle sandbox first', async () => {
    const starts = starter();
    const pool = new SandboxPool(starts.start, limits());
    const a = pool.acquire();
    const b = pool.acquire();
    const [sa, sb] = [starts.next(), starts.next()];
    await Promise.all([a, b]);

    pool.release(sa, true);
    pool.release(sb, true);

    expect((await pool.acquire()).sandbox).toBe(sb);
    expect((await pool.acquire()).sandbox).toBe(sa);
  });

  it('never has more than maxInstances; others wait and are served first come, first served', async () => {
    const starts = starter();
    const pool = new SandboxPool(starts.start, limits({ maxInstances: 1 }));
    const first = pool.acquire();
    const second = track(pool.acquire());
    const third = track(pool.acquire());
    expect(starts.start).toHaveBeenCalledTimes(1);
    expect(pool.queued).toBe(2);

    const sandbox = starts.next();
    await first;
    pool.release(sandbox, true);
    await settle();
    expect(second).toEqual({ sandbox, cold: false });
    expect(third).toEqual({});

    pool.release(sandbox, true);
    await settle();
    expect(third).toEqual({ sandbox, cold: false });
    expect(pool.instances).toBe(1);
    expect(pool.queued).toBe(0);
  });

  it('throttles at once when the queue is full', async () => {
    const starts = starter();
    const pool = new SandboxPool(starts.start, limits({ maxInstances: 1, maxQueued: 1 }));
    void pool.acquire();
    void track(pool.acquire());

    await expect(pool.acquire()).rejects.toBeInstanceOf(ThrottledError);
    expect(pool.queued).toBe(1);
  });

  it('throttles a waiter that gets no sandbox within queueTimeoutMs, and forgets it', async () => {
    vi.useFakeTimers();
    const starts = starter();
    const pool = new SandboxPool(starts.start, limits({ maxInstances: 1, queueTimeoutMs: 1000 }));
    void pool.acquire();
    const waiter = track(pool.acquire());

    await vi.advanceTimersByTimeAsync(999);
    expect(waiter).toEqual({});
    await vi.advanceTimersByTimeAsync(1);
    expect(waiter.error).toBeInstanceOf(ThrottledError);
    expect(pool.queued).toBe(0);

    // The sandbox released later goes idle instead of to the forgotten waiter.
    const sandbox = starts.next();
    await vi.advanceTimersByTimeAsync(0);
    pool.release(sandbox, true);
    expect(pool.idleInstances).toBe(1);
  });

  it('kills a sandbox released as broken, and starts a fresh one for the next waiter', async () => {
    const starts = starter();
    const pool = new SandboxPool(starts.start, limits({ maxInstances: 1 }));
    const first = pool.acquire();
    const waiter = track(pool.acquire());
    const broken = starts.next();
    await first;

    pool.release(broken, false);

    expect(broken.connection.handle.kill).toHaveBeenCalledTimes(1);
    expect(starts.start).toHaveBeenCalledTimes(2);
    const fresh = starts.next();
    await settle();
    expect(waiter).toEqual({ sandbox: fresh, cold: true });
    expect(pool.instances).toBe(1);
  });

  it('does not reuse a sandbox whose connection died, whether busy or idle', async () => {
    const starts = starter();
    const pool = new SandboxPool(starts.start, limits());
    const a = pool.acquire();
    const b = pool.acquire();
    const [sa, sb] = [starts.next(), starts.next()];
    await Promise.all([a, b]);

    sa.connection.alive = false;
    pool.release(sa, true);
    expect(sa.connection.handle.kill).toHaveBeenCalled();
    expect(pool.instances).toBe(1);

    pool.release(sb, true);
    sb.connection.alive = false;
    const next = pool.acquire();
    expect(sb.connection.handle.kill).toHaveBeenCalled();
    const sc = starts.next();
    await expect(next).resolves.toEqual({ sandbox: sc, cold: true });
    expect(pool.instances).toBe(1);
  });

  it('gives the slot of a failed start to the next waiter, which starts its own', async () => {
    const starts = starter();
    const pool = new SandboxPool(starts.start, limits({ maxInstances: 1 }));
    const first = pool.acquire();
    const waiter = track(pool.acquire());

    starts.fail(new Error('no memory'));
    await expect(first).rejects.toThrow('no memory');
    expect(starts.start).toHaveBeenCalledTimes(2);
    const sandbox = starts.next();
    await settle();
    expect(waiter).toEqual({ sandbox, cold: true });
    expect(pool.instances).toBe(1);
  });

  describe('warmUp', () => {
    it('starts sandboxes up to minInstances, which then wait idle', async () => {
      const starts = starter();
      const pool = new SandboxPool(starts.start, limits({ minInstances: 2, maxInstances: 3 }));

      pool.warmUp(() => expect.unreachable());
      pool.warmUp(() => expect.unreachable());
      expect(starts.start).toHaveBeenCalledTimes(2);
      expect(pool.instances).toBe(2);

      const warm = [starts.next(), starts.next()];
      await settle();
      expect(pool.idleInstances).toBe(2);
      expect(warm).toContain((await pool.acquire()).sandbox);
    });

    it('reports a failed start and does not retry it until called again', async () => {
      const starts = starter();
      const pool = new SandboxPool(starts.start, limits({ minInstances: 1 }));
      const failures: unknown[] = [];

      pool.warmUp((error) => failures.push(error));
      starts.fail(new Error('load failed'));
      await settle();

      expect(failures).toEqual([new Error('load failed')]);
      expect(starts.start).toHaveBeenCalledTimes(1);
      expect(pool.instances).toBe(0);

      pool.warmUp((error) => failures.push(error));
      expect(starts.start).toHaveBeenCalledTimes(2);
    });
  });

  it('reaps sandboxes idle since before the cut-off, keeping minInstances', async () => {
    vi.useFakeTimers({ now: 10_000 });
    const starts = starter();
    const pool = new SandboxPool(starts.start, limits({ minInstances: 1, maxInstances: 4 }));
    const leases = [pool.acquire(), pool.acquire(), pool.acquire(), pool.acquire()];
    const sandboxes = [starts.next(), starts.next(), starts.next(), starts.next()];
    await Promise.all(leases);
    for (const sandbox of sandboxes.slice(0, 3)) pool.release(sandbox, true);
    vi.setSystemTime(20_000);
    pool.release(sandboxes[3]!, true);

    expect(pool.reapIdle(15_000)).toBe(3);
    expect(sandboxes.slice(0, 3).every((s) => s.connection.handle.kill.mock.calls.length === 1)).toBe(true);
    expect(pool.instances).toBe(1);
    // The last one is recent, and would be kept anyway as the minimum.
    expect(pool.reapIdle(30_000)).toBe(0);
    expect(sandboxes[3]!.connection.handle.kill).not.toHaveBeenCalled();
  });

  it('drain stops idle sandboxes and refuses new acquires; busy ones stop when released', async () => {
    const starts = starter();
    const pool = new SandboxPool(starts.start, limits({ maxInstances: 2 }));
    const a = pool.acquire();
    const b = pool.acquire();
    const [idle, busy] = [starts.next(), starts.next()];
    await Promise.all([a, b]);
    pool.release(idle, true);

    pool.drain();

    expect(idle.connection.handle.kill).toHaveBeenCalledTimes(1);
    expect(busy.connection.handle.kill).not.toHaveBeenCalled();
    await expect(pool.acquire()).rejects.toBeInstanceOf(ThrottledError);
    pool.release(busy, true);
    expect(busy.connection.handle.kill).toHaveBeenCalledTimes(1);
    expect(pool.instances).toBe(0);
    expect(pool.isEmpty).toBe(true);
  });

  it('drain throttles the invocations waiting for a sandbox', async () => {
    const starts = starter();
    const pool = new SandboxPool(starts.start, limits({ maxInstances: 1 }));
    void pool.acquire();
    const waiter = track(pool.acquire());

    pool.drain();
    await settle();

    expect(waiter.error).toBeInstanceOf(ThrottledError);
    expect(pool.queued).toBe(0);
  });

  it('killAll also kills the sandboxes serving invocations', async () => {
    const starts = starter();
    const pool = new SandboxPool(starts.start, limits());
    const lease = pool.acquire();
    const busy = starts.next();
    await lease;

    pool.killAll();

    expect(busy.connection.handle.kill).toHaveBeenCalled();
    await expect(pool.acquire()).rejects.toBeInstanceOf(ThrottledError);
  });

  describe('autoscaling', () => {
    it('measures demand: invocations waiting for or served by a sandbox, averaged over time', async () => {
      let now = 0;
      const starts = starter();
      const pool = new SandboxPool(starts.start, limits({ maxInstances: 1 }), undefined, { clock: () => now });
      const first = pool.acquire();
      void track(pool.acquire());
      expect(pool.inFlight).toBe(2);
      const sandbox = starts.next();
      await first;
      now = 500;
      pool.release(sandbox, true); // the first is done; the waiter gets its sandbox
      await settle();
      now = 1000;
      // Two in flight for 500 ms, then one for 500 ms.
      expect(pool.takeDemand()).toBeCloseTo(1.5);
      pool.release(sandbox, true);
      now = 2000;
      expect(pool.takeDemand()).toBe(0);
      expect(pool.inFlight).toBe(0);
    });

    it('does not count an acquire that was refused', async () => {
      const pool = new SandboxPool(starter().start, limits({ maxInstances: 1, maxQueued: 0 }));
      void pool.acquire();
      await expect(pool.acquire()).rejects.toBeInstanceOf(ThrottledError);
      expect(pool.inFlight).toBe(1);
    });

    it('lets its minInstances go once lowered (a version no longer current): idle ones are reaped and evictable', async () => {
      vi.useFakeTimers({ now: 1000 });
      const starts = starter();
      const pool = new SandboxPool(starts.start, limits({ minInstances: 2, maxInstances: 3 }));
      pool.warmUp(() => expect.unreachable());
      starts.next();
      starts.next();
      await vi.advanceTimersByTimeAsync(0);
      expect(pool.evictable()).toEqual([]);
      expect(pool.reapIdle(5000)).toBe(0);

      pool.setMinInstances(0);
      expect(pool.evictable()).toEqual([1000, 1000]);
      expect(pool.reapIdle(5000)).toBe(2);
      expect(pool.instances).toBe(0);
      expect(pool.isEmpty).toBe(true);
    });

    it('prestarts up to the wanted count, capped by maxInstances; they wait idle', async () => {
      const starts = starter();
      const pool = new SandboxPool(starts.start, limits({ maxInstances: 3 }));
      expect(pool.prestart(5, () => expect.unreachable())).toBe(3);
      expect(pool.prestart(5, () => expect.unreachable())).toBe(0);
      starts.next();
      starts.next();
      starts.next();
      await settle();
      expect(pool.idleInstances).toBe(3);
    });

    it('scales down by stopping idle sandboxes, least recently used first, never below minInstances or busy ones', async () => {
      vi.useFakeTimers({ now: 1000 });
      const starts = starter();
      const pool = new SandboxPool(starts.start, limits({ minInstances: 1, maxInstances: 4 }));
      const leases = [pool.acquire(), pool.acquire(), pool.acquire(), pool.acquire()];
      const [a, b, c, d] = [starts.next(), starts.next(), starts.next(), starts.next()];
      await Promise.all(leases);
      pool.release(b, true);
      vi.setSystemTime(2000);
      pool.release(a, true);
      vi.setSystemTime(3000);
      pool.release(c, true);

      expect(pool.scaleDownTo(2)).toBe(2);
      expect(b.connection.handle.kill).toHaveBeenCalled();
      expect(a.connection.handle.kill).toHaveBeenCalled();
      expect(c.connection.handle.kill).not.toHaveBeenCalled();
      expect(pool.scaleDownTo(0)).toBe(1);
      expect(d.connection.handle.kill).not.toHaveBeenCalled();
      expect(pool.instances).toBe(1);
    });
  });

  describe('node-wide admission', () => {
    it('evicts the least recently used idle sandbox of another pool for a call when the node is full', async () => {
      vi.useFakeTimers({ now: 1000 });
      const admission = new SandboxAdmission({ maxSandboxes: 2 });
      const [startsA, startsB, startsC] = [starter(), starter(), starter()];
      const poolA = new SandboxPool(startsA.start, limits(), undefined, { admission });
      const poolB = new SandboxPool(startsB.start, limits(), undefined, { admission });
      const poolC = new SandboxPool(startsC.start, limits(), undefined, { admission });
      const [la, lb] = [poolA.acquire(), poolB.acquire()];
      const [sa, sb] = [startsA.next(), startsB.next()];
      await Promise.all([la, lb]);
      poolA.release(sa, true);
      vi.setSystemTime(2000);
      poolB.release(sb, true);

      const lc = poolC.acquire();
      expect(sa.connection.handle.kill).toHaveBeenCalled();
      expect(sb.connection.handle.kill).not.toHaveBeenCalled();
      startsC.next();
      await lc;
      expect(admission.inUse.sandboxes).toBe(2);
      expect(poolA.instances).toBe(0);
    });

    it('never prestarts by evicting, and keeps minInstances from eviction', async () => {
      const admission = new SandboxAdmission({ maxSandboxes: 1 });
      const [startsA, startsB] = [starter(), starter()];
      const poolA = new SandboxPool(startsA.start, limits({ minInstances: 1 }), undefined, { admission });
      const poolB = new SandboxPool(startsB.start, limits(), undefined, { admission });
      poolA.warmUp(() => expect.unreachable());
      startsA.next();
      await settle();

      expect(poolB.prestart(1, () => expect.unreachable())).toBe(0);
      await expect(poolB.acquire()).rejects.toBeInstanceOf(ThrottledError);
      expect(poolA.idleInstances).toBe(1);
    });

    it('queues a call when the node is full but its own pool has busy sandboxes', async () => {
      const admission = new SandboxAdmission({ maxSandboxes: 1 });
      const starts = starter();
      const pool = new SandboxPool(starts.start, limits({ maxInstances: 3 }), undefined, { admission });
      const first = pool.acquire();
      const sandbox = starts.next();
      await first;
      const waiter = track(pool.acquire());
      expect(pool.queued).toBe(1);
      pool.release(sandbox, true);
      await settle();
      expect(waiter).toEqual({ sandbox, cold: false });
    });

    it('returns the slot of a discarded or failed sandbox', async () => {
      const admission = new SandboxAdmission({ maxSandboxes: 1 });
      const starts = starter();
      const pool = new SandboxPool(starts.start, limits(), undefined, { admission });
      const first = pool.acquire();
      starts.fail();
      await expect(first).rejects.toThrow();
      expect(admission.inUse.sandboxes).toBe(0);
      const second = pool.acquire();
      const sandbox = starts.next();
      await second;
      pool.release(sandbox, false);
      expect(admission.inUse.sandboxes).toBe(0);
    });
  });

  describe('with concurrency (several invocations per sandbox)', () => {
    it('gives one sandbox up to N invocations at once, and starts another only when every one is full', async () => {
      const starts = starter();
      const pool = new SandboxPool(starts.start, limits({ maxInstances: 2, concurrency: 3 }));
      const first = pool.acquire();
      const s1 = starts.next();
      await first;
      const more = [await pool.acquire(), await pool.acquire()];
      expect(more.map((lease) => lease.sandbox)).toEqual([s1, s1]);
      expect(more.every((lease) => !lease.cold)).toBe(true);
      expect(starts.start).toHaveBeenCalledTimes(1);
      expect(pool.served).toBe(3);
      expect(pool.idleInstances).toBe(0);

      const fourth = pool.acquire();
      expect(starts.start).toHaveBeenCalledTimes(2);
      const s2 = starts.next();
      await expect(fourth).resolves.toEqual({ sandbox: s2, cold: true });
    });

    it('packs: a call goes to the busiest sandbox that has a free slot, not to an idle or emptier one', async () => {
      const starts = starter();
      const pool = new SandboxPool(starts.start, limits({ maxInstances: 3, concurrency: 3 }));
      const fill = async () => {
        const lease = pool.acquire();
        const sandbox = starts.next();
        await lease;
        await pool.acquire();
        await pool.acquire();
        return sandbox;
      };
      const [s1, s2, s3] = [await fill(), await fill(), await fill()];
      // s1 with 2 in flight, s2 with 1, s3 idle.
      pool.release(s1, true);
      pool.release(s2, true);
      pool.release(s2, true);
      for (let i = 0; i < 3; i++) pool.release(s3, true);
      expect(pool.idleInstances).toBe(1);

      expect((await pool.acquire()).sandbox).toBe(s1);
      expect((await pool.acquire()).sandbox).toBe(s2);
      expect((await pool.acquire()).sandbox).toBe(s2);
      expect(pool.idleInstances).toBe(1);
      expect((await pool.acquire()).sandbox).toBe(s3);
      expect(starts.start).toHaveBeenCalledTimes(3);
    });

    it('bounds what is in flight by maxInstances × N; the next call waits and takes the first slot given back', async () => {
      const starts = starter();
      const pool = new SandboxPool(starts.start, limits({ maxInstances: 1, concurrency: 2 }));
      const first = pool.acquire();
      const sandbox = starts.next();
      await first;
      await pool.acquire();
      const third = track(pool.acquire());
      await settle();
      expect(pool.queued).toBe(1);
      expect(third).toEqual({});

      pool.release(sandbox, true);
      await settle();
      expect(third).toEqual({ sandbox, cold: false });
      expect(pool.served).toBe(2);
      expect(pool.queued).toBe(0);
    });

    it('lets callers wait for the free slots of a sandbox that is starting rather than start more', async () => {
      const starts = starter();
      const pool = new SandboxPool(starts.start, limits({ maxInstances: 4, concurrency: 3 }));
      const first = track(pool.acquire());
      const second = track(pool.acquire());
      const third = track(pool.acquire());
      // The starting sandbox has room for all three; a fourth needs another.
      expect(starts.start).toHaveBeenCalledTimes(1);
      const fourth = track(pool.acquire());
      expect(starts.start).toHaveBeenCalledTimes(2);

      const s1 = starts.next();
      await settle();
      expect([first, second, third]).toEqual([
        { sandbox: s1, cold: true },
        { sandbox: s1, cold: false },
        { sandbox: s1, cold: false },
      ]);
      const s2 = starts.next();
      await settle();
      expect(fourth).toEqual({ sandbox: s2, cold: true });
    });

    it('does not count callers waiting for the free slots of a starting sandbox against maxQueued', async () => {
      const starts = starter();
      const pool = new SandboxPool(starts.start, limits({ maxInstances: 1, concurrency: 3, maxQueued: 1 }));
      const served = [track(pool.acquire()), track(pool.acquire()), track(pool.acquire())];
      const queued = track(pool.acquire());
      const throttled = track(pool.acquire());
      await settle();
      expect(throttled.error).toBeInstanceOf(ThrottledError);
      expect(queued).toEqual({});
      const sandbox = starts.next();
      await settle();
      expect(served.map((lease) => lease.sandbox)).toEqual([sandbox, sandbox, sandbox]);
      expect(queued).toEqual({});
      expect(pool.queued).toBe(1);
      pool.release(sandbox, true);
      await settle();
      expect(queued).toEqual({ sandbox, cold: false });
    });

    it('passes the wait on when a sandbox waited for fails to start: the first waiter starts one of its own', async () => {
      const starts = starter();
      const pool = new SandboxPool(starts.start, limits({ maxInstances: 1, concurrency: 2 }));
      const first = track(pool.acquire());
      const second = track(pool.acquire());
      starts.fail();
      await settle();
      expect(first.error).toBeInstanceOf(Error);
      expect(second).toEqual({});
      const sandbox = starts.next();
      await settle();
      expect(second).toEqual({ sandbox, cold: true });
    });

    it('counts a sandbox idle (reapable, evictable, scaled down) only once nothing is in flight in it', async () => {
      vi.useFakeTimers({ now: 1000 });
      const starts = starter();
      const pool = new SandboxPool(starts.start, limits({ maxInstances: 2, concurrency: 2 }));
      const first = pool.acquire();
      const sandbox = starts.next();
      await first;
      await pool.acquire();

      pool.release(sandbox, true);
      expect(pool.idleInstances).toBe(0);
      expect(pool.evictable()).toEqual([]);
      expect(pool.reapIdle(Number.MAX_SAFE_INTEGER)).toBe(0);
      expect(pool.scaleDownTo(0)).toBe(0);
      expect(sandbox.connection.handle.kill).not.toHaveBeenCalled();

      pool.release(sandbox, true);
      expect(pool.idleInstances).toBe(1);
      expect(pool.reapIdle(Number.MAX_SAFE_INTEGER)).toBe(1);
      expect(sandbox.connection.handle.kill).toHaveBeenCalledTimes(1);
    });

    it('discards a sandbox that must not be reused at once, never hands it out again, and counts it once', async () => {
      const starts = starter();
      const pool = new SandboxPool(starts.start, limits({ maxInstances: 1, concurrency: 3 }));
      const first = pool.acquire();
      const broken = starts.next();
      await first;
      await pool.acquire();
      await pool.acquire();

      pool.release(broken, false);
      expect(broken.connection.handle.kill).toHaveBeenCalledTimes(1);
      expect(pool.instances).toBe(0);
      // The other two fail with it and give their slots back: nothing more to do.
      pool.release(broken, false);
      pool.release(broken, true);
      expect(pool.instances).toBe(0);
      expect(pool.inFlight).toBe(0);

      const next = pool.acquire();
      expect(starts.start).toHaveBeenCalledTimes(2);
      const fresh = starts.next();
      await expect(next).resolves.toEqual({ sandbox: fresh, cold: true });
    });

    it('on drain, lets the invocations in flight finish and stops the sandbox after the last', async () => {
      const starts = starter();
      const pool = new SandboxPool(starts.start, limits({ maxInstances: 1, concurrency: 2 }));
      const first = pool.acquire();
      const sandbox = starts.next();
      await first;
      await pool.acquire();
      pool.drain();
      pool.release(sandbox, true);
      expect(sandbox.connection.handle.kill).not.toHaveBeenCalled();
      pool.release(sandbox, true);
      expect(sandbox.connection.handle.kill).toHaveBeenCalledTimes(1);
      expect(pool.instances).toBe(0);
    });

    it('gives a sandbox started ahead of demand to as many waiters as it has slots', async () => {
      const starts = starter();
      const pool = new SandboxPool(starts.start, limits({ maxInstances: 1, concurrency: 2 }));
      pool.prestart(1, () => expect.unreachable());
      const waiting = [track(pool.acquire()), track(pool.acquire()), track(pool.acquire())];
      expect(starts.start).toHaveBeenCalledTimes(1);
      const sandbox = starts.next();
      await settle();
      expect(waiting).toEqual([{ sandbox, cold: false }, { sandbox, cold: false }, {}]);
      expect(pool.queued).toBe(1);
    });
  });

  it('tells its listener whenever the number of instances or idle instances changes', async () => {
    const starts = starter();
    const seen: Array<[number, number]> = [];
    const pool = new SandboxPool(starts.start, limits(), () => seen.push([pool.instances, pool.idleInstances]));

    const lease = pool.acquire();
    const sandbox = starts.next();
    await lease;
    pool.release(sandbox, true);
    await pool.acquire();
    pool.release(sandbox, false);

    expect(seen).toEqual([
      [1, 0], // starting
      [1, 1], // released idle
      [1, 0], // leased warm
      [0, 0], // discarded
    ]);
  });
});

/** Lets every pending promise callback run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));
