import { describe, expect, it } from 'vitest';
import { type AdmissionLimits, type EvictionCandidate, SandboxAdmission, type SandboxCost } from './sandbox-admission.js';

/** A pool reduced to what the admission sees: its cost and its idle sandboxes (last-used times, oldest first). */
class FakePool implements EvictionCandidate {
  readonly idle: number[] = [];
  evictions = 0;

  constructor(
    private readonly admission: SandboxAdmission,
    readonly cost: SandboxCost,
  ) {
    admission.join(this);
  }

  /** Starts a sandbox; with `idleSince`, it is idle (last used then) and may be evicted. */
  start(idleSince?: number, evict = false): ReturnType<SandboxAdmission['tryTake']> {
    const refusal = this.admission.tryTake(this, evict);
    if (!refusal && idleSince !== undefined) this.idle.push(idleSince);
    return refusal;
  }

  evictable(): number[] {
    return [...this.idle];
  }

  evictOldestIdle(): void {
    this.idle.shift();
    this.evictions++;
    this.admission.release(this);
  }
}

function admission(limits: Partial<AdmissionLimits>): SandboxAdmission {
  return new SandboxAdmission(limits);
}

describe(SandboxAdmission.name, () => {
  it('charges each sandbox to the node and to its owner, and gives it back on release', () => {
    const sut = admission({ maxSandboxes: 10, memoryBudgetMb: 1000 });
    const a = new FakePool(sut, { ownerId: 'alice', memoryMb: 128 });
    const b = new FakePool(sut, { ownerId: 'bob', memoryMb: 256 });
    expect(a.start()).toBeNull();
    expect(a.start()).toBeNull();
    expect(b.start()).toBeNull();
    expect(sut.inUse).toEqual({ sandboxes: 3, memoryMb: 512 });
    expect(sut.ownerUsage()).toEqual([
      { ownerId: 'alice', sandboxes: 2, memoryMb: 256 },
      { ownerId: 'bob', sandboxes: 1, memoryMb: 256 },
    ]);
    sut.release(b);
    expect(sut.inUse).toEqual({ sandboxes: 2, memoryMb: 256 });
    // An owner without sandboxes is forgotten: the table never outgrows the sandboxes.
    expect(sut.ownerUsage().map((o) => o.ownerId)).toEqual(['alice']);
  });

  it('refuses a start beyond the node memory budget even with slots free, saying which limit', () => {
    const sut = admission({ maxSandboxes: 100, memoryBudgetMb: 300 });
    const pool = new FakePool(sut, { ownerId: 'alice', memoryMb: 128 });
    expect(pool.start()).toBeNull();
    expect(pool.start()).toBeNull();
    const refusal = pool.start();
    expect(refusal?.limit).toBe('node-memory');
    expect(refusal?.message).toContain('256 MB of 300 MB');
    expect(sut.inUse).toEqual({ sandboxes: 2, memoryMb: 256 });
  });

  it('never admits a sandbox larger than the budget or the owner cap, whatever is idle', () => {
    const sut = admission({ memoryBudgetMb: 512, ownerMemoryMb: 256 });
    const idle = new FakePool(sut, { ownerId: 'alice', memoryMb: 128 });
    idle.start(1);
    const huge = new FakePool(sut, { ownerId: 'alice', memoryMb: 1024 });
    expect(huge.start(undefined, true)?.limit).toBe('owner-memory');
    expect(idle.evictions).toBe(0);
  });

  it("evicts the least recently used idle sandboxes of any owner for the node's memory, as many as needed", () => {
    const sut = admission({ memoryBudgetMb: 512 });
    const old = new FakePool(sut, { ownerId: 'bob', memoryMb: 128 });
    const older = new FakePool(sut, { ownerId: 'carol', memoryMb: 128 });
    const recent = new FakePool(sut, { ownerId: 'bob', memoryMb: 256 });
    old.start(20);
    older.start(10);
    recent.start(30);
    const big = new FakePool(sut, { ownerId: 'alice', memoryMb: 256 });
    expect(big.start(undefined, false)?.limit).toBe('node-memory');
    expect(big.start(undefined, true)).toBeNull();
    // 256 MB free needed: the two least recently used 128 MB ones go, the recent one stays.
    expect([older.evictions, old.evictions, recent.evictions]).toEqual([1, 1, 0]);
    expect(sut.inUse).toEqual({ sandboxes: 2, memoryMb: 512 });
  });

  it('evicts nothing when stopping every idle sandbox would still not make room', () => {
    const sut = admission({ memoryBudgetMb: 512 });
    const busy = new FakePool(sut, { ownerId: 'bob', memoryMb: 256 });
    const idle = new FakePool(sut, { ownerId: 'carol', memoryMb: 128 });
    busy.start();
    idle.start(1);
    const big = new FakePool(sut, { ownerId: 'alice', memoryMb: 384 });
    expect(big.start(undefined, true)?.limit).toBe('node-memory');
    expect(idle.evictions).toBe(0);
  });

  it("at its sandbox cap an owner evicts only its own least recently used idle sandbox, never another owner's older one", () => {
    const sut = admission({ ownerMaxSandboxes: 2 });
    const others = new FakePool(sut, { ownerId: 'bob', memoryMb: 64 });
    others.start(1);
    const aliceIdle = new FakePool(sut, { ownerId: 'alice', memoryMb: 64 });
    aliceIdle.start(5);
    aliceIdle.start(9);
    const aliceNew = new FakePool(sut, { ownerId: 'alice', memoryMb: 64 });
    expect(aliceNew.start(undefined, false)?.limit).toBe('owner-sandboxes');
    expect(aliceNew.start(undefined, true)).toBeNull();
    expect(aliceIdle.idle).toEqual([9]);
    expect(others.evictions).toBe(0);
  });

  it('refuses an owner at its cap with nothing of its own idle, while another owner still gets room', () => {
    const sut = admission({ maxSandboxes: 10, ownerMaxSandboxes: 2, ownerMemoryMb: 1000 });
    const alice = new FakePool(sut, { ownerId: 'alice', memoryMb: 64 });
    const bobIdle = new FakePool(sut, { ownerId: 'bob', memoryMb: 64 });
    bobIdle.start(1);
    alice.start();
    alice.start();
    const aliceOther = new FakePool(sut, { ownerId: 'alice', memoryMb: 64 });
    const refusal = aliceOther.start(undefined, true);
    expect(refusal?.limit).toBe('owner-sandboxes');
    expect(refusal?.message).toContain('owner');
    expect(bobIdle.evictions).toBe(0);
    expect(new FakePool(sut, { ownerId: 'bob', memoryMb: 64 }).start(undefined, true)).toBeNull();
  });

  it("frees the owner's memory from its own idle sandboxes first, then the node's from anyone's", () => {
    const sut = admission({ memoryBudgetMb: 512, ownerMemoryMb: 256 });
    const bob = new FakePool(sut, { ownerId: 'bob', memoryMb: 256 });
    bob.start(1);
    const alice = new FakePool(sut, { ownerId: 'alice', memoryMb: 128 });
    alice.start(5);
    alice.start(6);
    // Alice needs 128 MB: her cap (256) needs one of hers to go; then the node (512) has room.
    const aliceNew = new FakePool(sut, { ownerId: 'alice', memoryMb: 128 });
    expect(aliceNew.start(undefined, true)).toBeNull();
    expect(alice.idle).toEqual([6]);
    expect(bob.evictions).toBe(0);
    expect(sut.inUse).toEqual({ sandboxes: 3, memoryMb: 512 });
  });

  it("never evicts the requester's own pool (it has nothing idle when it asks) and counts the sandbox limit too", () => {
    const sut = admission({ maxSandboxes: 2 });
    const pool = new FakePool(sut, { ownerId: 'alice', memoryMb: 64 });
    pool.start(1);
    pool.start(2);
    expect(pool.start(undefined, true)?.limit).toBe('node-sandboxes');
    expect(pool.evictions).toBe(0);
  });
});
