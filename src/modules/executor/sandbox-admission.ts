/** A pool as the node-wide admission sees it: it can give up its least recently used idle sandbox. */
export interface EvictionCandidate {
  /** When its least recently used idle sandbox it may give up was last used; null when it has none. */
  evictableSince(): number | null;
  /** Stops that sandbox (its slot returns through `SandboxAdmission.release`). */
  evictOldestIdle(): void;
}

/**
 * The node-wide limit on sandboxes (`FNGRAPH_MAX_SANDBOXES`): every pool takes a slot
 * before it starts a sandbox and returns it when the sandbox is gone. When the node is
 * full, a caller that needs a sandbox now may have the least recently used idle sandbox
 * of another pool stopped for it; nothing else is ever taken away.
 */
export class SandboxAdmission {
  private used = 0;
  private readonly pools = new Set<EvictionCandidate>();

  constructor(private readonly max: number) {}

  get inUse(): number {
    return this.used;
  }

  get limit(): number {
    return this.max;
  }

  join(pool: EvictionCandidate): void {
    this.pools.add(pool);
  }

  leave(pool: EvictionCandidate): void {
    this.pools.delete(pool);
  }

  /** Takes a slot if one is free or, with `evict`, can be freed; false otherwise. */
  tryTake(requester: EvictionCandidate, evict: boolean): boolean {
    if (this.used >= this.max && evict) this.evictFor(requester);
    if (this.used >= this.max) return false;
    this.used++;
    return true;
  }

  release(): void {
    this.used--;
  }

  private evictFor(requester: EvictionCandidate): void {
    let victim: EvictionCandidate | null = null;
    let oldest = Number.POSITIVE_INFINITY;
    for (const pool of this.pools) {
      if (pool === requester) continue;
      const since = pool.evictableSince();
      if (since !== null && since < oldest) {
        oldest = since;
        victim = pool;
      }
    }
    victim?.evictOldestIdle();
  }
}
