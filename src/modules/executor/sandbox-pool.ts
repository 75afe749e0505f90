import { ThrottledError } from '@/kernel/errors/domain-error.js';
import type { ShimConnection } from './shim-connection.js';

/** A started, loaded sandbox owned by a pool. */
export interface PooledSandbox {
  readonly connection: ShimConnection;
  readonly initDurationMs: number;
  lastUsedAt: number;
}

export interface Lease {
  sandbox: PooledSandbox;
  /** Whether the sandbox was started for this invocation. */
  cold: boolean;
}

export interface PoolLimits {
  /** Sandboxes kept started (idle or busy) even when nothing runs. */
  minInstances: number;
  maxInstances: number;
  /** Invocations allowed to wait for a busy pool; more are throttled at once. */
  maxQueued: number;
  /** How long an invocation may wait for a sandbox before it is throttled. */
  queueTimeoutMs: number;
}

interface Waiter {
  grant: (lease: Promise<Lease>) => void;
  timer: NodeJS.Timeout;
}

/**
 * The sandboxes of one function version. A sandbox serves one invocation at a time and
 * stays warm between invocations; at most `maxInstances` exist, and invocations beyond
 * that wait in a bounded queue, first come first served. `minInstances` are started
 * ahead of need (`warmUp`) and never reaped for idleness.
 */
export class SandboxPool {
  private readonly idle: PooledSandbox[] = [];
  /** Sandboxes serving an invocation right now. */
  private readonly leased = new Set<PooledSandbox>();
  private readonly waiters: Waiter[] = [];
  /** Sandboxes starting, busy or idle. */
  private size = 0;
  private draining = false;

  constructor(
    private readonly startSandbox: () => Promise<PooledSandbox>,
    private readonly limits: PoolLimits,
    /** Called whenever the number of instances or idle instances may have changed. */
    private readonly onChange: () => void = () => undefined,
  ) {}

  get instances(): number {
    return this.size;
  }

  get idleInstances(): number {
    return this.idle.length;
  }

  get queued(): number {
    return this.waiters.length;
  }

  acquire(): Promise<Lease> {
    if (this.draining) return Promise.reject(new ThrottledError('The function is being unloaded; retry'));
    const warm = this.takeIdle();
    if (warm) {
      this.leased.add(warm);
      this.onChange();
      return Promise.resolve({ sandbox: warm, cold: false });
    }
    if (this.size < this.limits.maxInstances) return this.startNew();
    if (this.waiters.length >= this.limits.maxQueued) {
      return Promise.reject(new ThrottledError(`All ${this.limits.maxInstances} instances are busy and the queue is full`));
    }
    return new Promise<Lease>((resolve, reject) => {
      const waiter: Waiter = {
        grant: (lease) => {
          clearTimeout(waiter.timer);
          resolve(lease);
        },
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new ThrottledError(`No instance became free within ${this.limits.queueTimeoutMs} ms`));
        }, this.limits.queueTimeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Returns a sandbox after an invocation; a broken one is killed and replaced on demand. */
  release(sandbox: PooledSandbox, reusable: boolean): void {
    this.leased.delete(sandbox);
    if (!reusable || this.draining || !sandbox.connection.alive) {
      this.discard(sandbox);
      const waiter = this.waiters.shift();
      if (waiter) waiter.grant(this.startNew());
      return;
    }
    sandbox.lastUsedAt = Date.now();
    const waiter = this.waiters.shift();
    if (waiter) {
      this.leased.add(sandbox);
      waiter.grant(Promise.resolve({ sandbox, cold: false }));
    } else {
      this.idle.push(sandbox);
      this.onChange();
    }
  }

  /**
   * Starts sandboxes until `minInstances` exist, in the background; they wait idle. A
   * failed start is reported and not retried until the next call (the reaper's tick), so
   * a function that cannot load does not restart in a loop.
   */
  warmUp(onFailure: (error: unknown) => void): void {
    while (!this.draining && this.size < this.limits.minInstances) {
      this.size++;
      this.onChange();
      this.startSandbox().then(
        (sandbox) => this.release(sandbox, true),
        (error: unknown) => {
          this.size--;
          this.onChange();
          onFailure(error);
        },
      );
    }
  }

  /** Kills sandboxes idle since before `idleSince`, keeping `minInstances`; returns how many. */
  reapIdle(idleSince: number): number {
    const surplus = Math.max(0, this.size - this.limits.minInstances);
    const stale = this.idle.filter((s) => s.lastUsedAt < idleSince).slice(0, surplus);
    for (const sandbox of stale) {
      this.idle.splice(this.idle.indexOf(sandbox), 1);
      this.discard(sandbox);
    }
    return stale.length;
  }

  /** Stops every sandbox; busy ones are killed when released. */
  drain(): void {
    this.draining = true;
    for (const sandbox of this.idle.splice(0)) this.discard(sandbox);
    for (const waiter of this.waiters.splice(0)) {
      waiter.grant(Promise.reject(new ThrottledError('The function is being unloaded; retry')));
    }
  }

  /** Like `drain`, and also kills the sandboxes still serving invocations (they fail). */
  killAll(): void {
    this.drain();
    for (const sandbox of this.leased) sandbox.connection.handle.kill();
  }

  /** No sandbox and none wanted: the pool can be forgotten. */
  get isEmpty(): boolean {
    return this.size === 0 && this.limits.minInstances === 0;
  }

  private takeIdle(): PooledSandbox | undefined {
    // Most recently used first: it is the warmest (JIT, caches).
    let sandbox: PooledSandbox | undefined;
    while ((sandbox = this.idle.pop())) {
      if (sandbox.connection.alive) return sandbox;
      this.discard(sandbox);
    }
    return undefined;
  }

  private startNew(): Promise<Lease> {
    this.size++;
    this.onChange();
    return this.startSandbox().then(
      (sandbox) => {
        this.leased.add(sandbox);
        return { sandbox, cold: true };
      },
      (error: unknown) => {
        this.size--;
        this.onChange();
        // The freed slot belongs to the next waiter, which then tries a start of its own.
        const waiter = this.waiters.shift();
        if (waiter) waiter.grant(this.startNew());
        throw error;
      },
    );
  }

  private discard(sandbox: PooledSandbox): void {
    sandbox.connection.handle.kill();
    this.size--;
    this.onChange();
  }
}
