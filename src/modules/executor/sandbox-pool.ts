import { ThrottledError } from '@/kernel/errors/domain-error.js';
import { ConcurrencyMeter } from './concurrency-meter.js';
import { type AdmissionRefusal, type EvictionCandidate, SandboxAdmission, type SandboxCost } from './sandbox-admission.js';
import type { SandboxEgress } from '@/modules/egress/egress-gateways.js';
import type { ShimConnection } from './shim-connection.js';

/** A started, loaded sandbox owned by a pool. */
export interface PooledSandbox {
  readonly connection: ShimConnection;
  readonly initDurationMs: number;
  lastUsedAt: number;
  /** Its egress gateway, for a sandbox with network access. */
  readonly egress?: SandboxEgress;
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
  /** Invocations one sandbox serves at once (`executionConfig.concurrency`; absent: 1). */
  concurrency?: number;
  /** Invocations allowed to wait for a busy pool; more are throttled at once. */
  maxQueued: number;
  /** How long an invocation may wait for a sandbox before it is throttled. */
  queueTimeoutMs: number;
}

export interface PoolOptions {
  /** The node-wide limits this pool shares with the others; unlimited when absent. */
  admission?: SandboxAdmission;
  /** What each sandbox takes from the admission: the owner it is charged to and its memory limit. */
  cost?: SandboxCost;
  clock?: () => number;
}

interface Waiter {
  grant: (lease: Promise<Lease>) => void;
  timer: NodeJS.Timeout;
}

/**
 * The sandboxes of one function version. A sandbox serves up to `concurrency` invocations
 * at once (one, unless the version declares more) and stays warm between invocations; at
 * most `maxInstances` exist, and invocations beyond what they can take wait in a bounded
 * queue, first come first served. An invocation goes to the busiest sandbox that still has
 * a free slot (packing: as few sandboxes woken as can serve the load), and a sandbox is
 * started only when every one is full; callers that a starting sandbox will have room for
 * wait for it rather than start another. `minInstances` are started ahead of need
 * (`warmUp`) and never reaped for idleness. How many to keep between the two is the
 * autoscaler's decision (`prestart`, `scaleDownTo`); the pool measures the demand it
 * decides on (`takeDemand`). A sandbox is idle (reaped, evicted, scaled down, frozen) only
 * with nothing in flight; one that must not be reused is discarded at once, failing
 * whatever else runs in it. Every sandbox holds a share of the node-wide admission (a slot
 * and its memory, charged to the owner), and an idle one beyond `minInstances` may be
 * evicted for another pool's caller when there is no room.
 */
export class SandboxPool implements EvictionCandidate {
  /** Sandboxes with nothing in flight, least recently used first. */
  private readonly idle: PooledSandbox[] = [];
  /** Sandboxes serving invocations right now, and how many each. */
  private readonly leased = new Map<PooledSandbox, number>();
  private readonly waiters: Waiter[] = [];
  /** Sandboxes starting, busy or idle. */
  private size = 0;
  /** Sandboxes starting (their slots beyond the first are promised to waiters). */
  private starting = 0;
  private readonly concurrency: number;
  private draining = false;
  private readonly admission: SandboxAdmission;
  private readonly clock: () => number;
  /** Invocations that asked for a sandbox and have not given it back: waiting, starting one, or served. */
  private readonly demand: ConcurrencyMeter;
  readonly cost: SandboxCost;

  constructor(
    private readonly startSandbox: () => Promise<PooledSandbox>,
    private readonly limits: PoolLimits,
    /** Called whenever the number of instances or idle instances may have changed. */
    private readonly onChange: () => void = () => undefined,
    options: PoolOptions = {},
  ) {
    this.admission = options.admission ?? new SandboxAdmission();
    this.cost = options.cost ?? { ownerId: '', memoryMb: 0 };
    this.clock = options.clock ?? Date.now;
    this.demand = new ConcurrencyMeter(this.clock);
    this.concurrency = Math.max(1, limits.concurrency ?? 1);
    this.admission.join(this);
  }

  get instances(): number {
    return this.size;
  }

  get idleInstances(): number {
    return this.idle.length;
  }

  get queued(): number {
    return this.waiters.length;
  }

  /** Invocations in flight (waiting for, or served by, a sandbox of this pool) right now. */
  get inFlight(): number {
    return this.demand.current;
  }

  /** The average number of invocations in flight since the previous call: the autoscaler's input. */
  takeDemand(): number {
    return this.demand.takeAverage();
  }

  /** Invocations being served by this pool's sandboxes right now (not those waiting). */
  get served(): number {
    let served = 0;
    for (const count of this.leased.values()) served += count;
    return served;
  }

  /** A slot of a sandbox for one invocation; give it back with `release`. */
  acquire(): Promise<Lease> {
    this.demand.change(1);
    return this.lease().catch((error: unknown) => {
      this.demand.change(-1);
      throw error;
    });
  }

  private lease(): Promise<Lease> {
    if (this.draining) return Promise.reject(new ThrottledError('The function is being unloaded; retry'));
    const warm = this.takeSlot();
    if (warm) return Promise.resolve({ sandbox: warm, cold: false });
    // Slots of starting sandboxes beyond their first are promised to the first waiters: those wait for a start, not for a busy pool.
    const promised = this.starting * (this.concurrency - 1);
    const awaitStarting = this.waiters.length < promised;
    if (!awaitStarting && this.size < this.limits.maxInstances) {
      const refusal = this.admission.tryTake(this, true);
      if (!refusal) return this.startReserved();
      // No room on the node (or for the owner) and nothing idle to stop: wait for one of ours, if there is one to wait for.
      if (this.size === 0) return Promise.reject(refused(refusal));
    }
    if (!awaitStarting && this.waiters.length - promised >= this.limits.maxQueued) {
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

  /**
   * Gives back an invocation's slot. A sandbox that is not reusable is killed at once (the
   * invocations still in flight in it fail) and replaced on demand; their own releases then
   * find it gone.
   */
  release(sandbox: PooledSandbox, reusable: boolean): void {
    this.demand.change(-1);
    const inFlight = this.leased.get(sandbox);
    if (inFlight === undefined) return; // Discarded already, by another invocation it was serving.
    if (!reusable || !sandbox.connection.alive || (this.draining && inFlight === 1)) {
      this.leased.delete(sandbox);
      this.discard(sandbox);
      const waiter = this.waiters.shift();
      if (waiter) waiter.grant(this.startNew());
      return;
    }
    sandbox.lastUsedAt = this.clock();
    const waiter = this.draining ? undefined : this.waiters.shift();
    if (waiter) {
      // The slot passes on as it is.
      waiter.grant(Promise.resolve({ sandbox, cold: false }));
    } else if (inFlight > 1) {
      this.leased.set(sandbox, inFlight - 1);
    } else {
      this.leased.delete(sandbox);
      this.idle.push(sandbox);
      this.onChange();
    }
  }

  /**
   * A started sandbox joins the pool with `taken` slots in use (1: started for a caller,
   * 0: ahead of demand); waiters take its other slots, and it is idle if none does.
   */
  private welcome(sandbox: PooledSandbox, taken: number): void {
    this.starting--;
    if (taken === 0 && (this.draining || !sandbox.connection.alive)) {
      this.discard(sandbox);
      const waiter = this.waiters.shift();
      if (waiter) waiter.grant(this.startNew());
      return;
    }
    sandbox.lastUsedAt = this.clock();
    let inFlight = taken;
    while (!this.draining && inFlight < this.concurrency && this.waiters.length > 0) {
      this.waiters.shift()!.grant(Promise.resolve({ sandbox, cold: false }));
      inFlight++;
    }
    if (inFlight > 0) this.leased.set(sandbox, inFlight);
    else {
      this.idle.push(sandbox);
      this.onChange();
    }
  }

  /**
   * Starts sandboxes until `minInstances` exist, in the background; they wait idle. A
   * failed start is reported and not retried until the next call (the autoscaler's tick),
   * so a function that cannot load does not restart in a loop.
   */
  warmUp(onFailure: (error: unknown) => void): void {
    this.prestart(this.limits.minInstances, onFailure);
  }

  /**
   * Starts sandboxes in the background until `wanted` exist (at most `maxInstances`), ahead
   * of the invocations expected; only with free room on the node: a guess never evicts
   * another function's sandbox. Returns how many it started.
   */
  prestart(wanted: number, onFailure: (error: unknown) => void): number {
    let started = 0;
    while (!this.draining && this.size < Math.min(wanted, this.limits.maxInstances) && this.admission.tryTake(this, false) === null) {
      this.size++;
      this.starting++;
      started++;
      this.onChange();
      this.startSandbox().then(
        (sandbox) => this.welcome(sandbox, 0),
        (error: unknown) => {
          this.starting--;
          this.shrink();
          onFailure(error);
        },
      );
    }
    return started;
  }

  /** Stops idle sandboxes, least recently used first, until at most `wanted` (never below `minInstances`) exist; returns how many. */
  scaleDownTo(wanted: number): number {
    let stopped = 0;
    while (this.idle.length > 0 && this.size > Math.max(wanted, this.limits.minInstances)) {
      this.discard(this.idle.shift()!);
      stopped++;
    }
    return stopped;
  }

  evictable(): number[] {
    const surplus = Math.max(0, this.size - this.limits.minInstances);
    return this.idle.slice(0, surplus).map((sandbox) => sandbox.lastUsedAt);
  }

  /**
   * Changes how many sandboxes are kept started: 0 when the version stops being the
   * function's current one, whose sandboxes then scale down like any idle ones.
   */
  setMinInstances(minInstances: number): void {
    this.limits.minInstances = minInstances;
  }

  evictOldestIdle(): void {
    const oldest = this.idle.shift();
    if (oldest) this.discard(oldest);
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

  /** Stops every sandbox; busy ones are killed once their last invocation is released. */
  drain(): void {
    this.draining = true;
    this.admission.leave(this);
    for (const sandbox of this.idle.splice(0)) this.discard(sandbox);
    for (const waiter of this.waiters.splice(0)) {
      waiter.grant(Promise.reject(new ThrottledError('The function is being unloaded; retry')));
    }
  }

  /** Like `drain`, and also kills the sandboxes still serving invocations (they fail). */
  killAll(): void {
    this.drain();
    for (const sandbox of this.leased.keys()) sandbox.connection.handle.kill();
  }

  /** No sandbox and none wanted: the pool can be forgotten. */
  get isEmpty(): boolean {
    return this.size === 0 && this.limits.minInstances === 0;
  }

  /** A free slot, taken: in the busiest sandbox that has one, else in an idle one. */
  private takeSlot(): PooledSandbox | undefined {
    if (this.concurrency > 1) {
      let busiest: PooledSandbox | undefined;
      let busiestCount = 0;
      for (const [sandbox, count] of this.leased) {
        if (count < this.concurrency && count > busiestCount && sandbox.connection.alive) {
          busiest = sandbox;
          busiestCount = count;
        }
      }
      if (busiest) {
        this.leased.set(busiest, busiestCount + 1);
        return busiest;
      }
    }
    const warm = this.takeIdle();
    if (!warm) return undefined;
    this.leased.set(warm, 1);
    this.onChange();
    return warm;
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
    const refusal = this.admission.tryTake(this, true);
    if (refusal) return Promise.reject(refused(refusal));
    return this.startReserved();
  }

  /** Starts a sandbox in a node slot already taken. */
  private startReserved(): Promise<Lease> {
    this.size++;
    this.starting++;
    this.onChange();
    return this.startSandbox().then(
      (sandbox) => {
        this.welcome(sandbox, 1);
        return { sandbox, cold: true };
      },
      (error: unknown) => {
        this.starting--;
        this.shrink();
        // The freed slot belongs to the next waiter, which then tries a start of its own.
        const waiter = this.waiters.shift();
        if (waiter) waiter.grant(this.startNew());
        throw error;
      },
    );
  }

  private discard(sandbox: PooledSandbox): void {
    sandbox.connection.handle.kill();
    this.shrink();
  }

  private shrink(): void {
    this.size--;
    this.admission.release(this);
    this.onChange();
  }
}

function refused(refusal: AdmissionRefusal): ThrottledError {
  return new ThrottledError(refusal.message);
}
