/** What one sandbox of a pool takes from the node: a slot and its memory limit, charged to its function's owner. */
export interface SandboxCost {
  /** The function's owner ('' for functions registered before owners existed: they share one account). */
  ownerId: string;
  memoryMb: number;
}

/** A pool as the node-wide admission sees it: it can give up its least recently used idle sandboxes. */
export interface EvictionCandidate {
  /** What each of its sandboxes costs. */
  readonly cost: SandboxCost;
  /** When each idle sandbox it may give up (never one of its `minInstances`) was last used, least recently used first. */
  evictable(): readonly number[];
  /** Stops its least recently used idle sandbox (its share returns through `SandboxAdmission.release`). */
  evictOldestIdle(): void;
}

export interface AdmissionLimits {
  /** Sandboxes on the node (`FNGRAPH_MAX_SANDBOXES`). */
  maxSandboxes: number;
  /** Sum of the memory limits of the sandboxes on the node (`FNGRAPH_NODE_MEMORY_BUDGET_MB`). */
  memoryBudgetMb: number;
  /** Sandboxes of one owner on the node (`FNGRAPH_OWNER_MAX_SANDBOXES`). */
  ownerMaxSandboxes: number;
  /** Sum of the memory limits of one owner's sandboxes on the node (`FNGRAPH_OWNER_MEMORY_MB`). */
  ownerMemoryMb: number;
}

/** Which limit a refused start would have crossed, and a message saying so. */
export interface AdmissionRefusal {
  limit: 'node-sandboxes' | 'node-memory' | 'owner-sandboxes' | 'owner-memory';
  message: string;
}

export interface Usage {
  sandboxes: number;
  memoryMb: number;
}

const UNLIMITED: AdmissionLimits = {
  maxSandboxes: Number.POSITIVE_INFINITY,
  memoryBudgetMb: Number.POSITIVE_INFINITY,
  ownerMaxSandboxes: Number.POSITIVE_INFINITY,
  ownerMemoryMb: Number.POSITIVE_INFINITY,
};

interface Victim {
  pool: EvictionCandidate;
  lastUsedAt: number;
}

/**
 * What the sandboxes of function versions on one node may take: every pool takes a share
 * (a slot and its memory limit, charged to the node and to the function's owner) before it
 * starts a sandbox, and returns it when the sandbox is gone. A start that would cross a
 * limit may, for a caller that needs a sandbox now, have idle sandboxes of other pools
 * stopped, least recently used first: only the owner's own for an owner limit (an owner
 * never takes room from another to exceed its cap), anyone's for a node limit. Nothing is
 * stopped unless that makes enough room; busy sandboxes and `minInstances` are never taken.
 */
export class SandboxAdmission {
  private readonly node: Usage = { sandboxes: 0, memoryMb: 0 };
  /** Only owners with sandboxes on the node: the map never outgrows the sandboxes. */
  private readonly owners = new Map<string, Usage>();
  private readonly pools = new Set<EvictionCandidate>();
  readonly limits: AdmissionLimits;

  constructor(limits: Partial<AdmissionLimits> = {}) {
    this.limits = { ...UNLIMITED, ...limits };
  }

  get inUse(): Usage {
    return { ...this.node };
  }

  /** The owners with sandboxes on this node and what they use. */
  ownerUsage(): Array<{ ownerId: string } & Usage> {
    return [...this.owners].map(([ownerId, usage]) => ({ ownerId, ...usage }));
  }

  join(pool: EvictionCandidate): void {
    this.pools.add(pool);
  }

  leave(pool: EvictionCandidate): void {
    this.pools.delete(pool);
  }

  /**
   * Takes a share for one sandbox of `requester` if it fits or, with `evict`, can be made to
   * fit by stopping idle sandboxes; returns null when taken, else why not.
   */
  tryTake(requester: EvictionCandidate, evict: boolean): AdmissionRefusal | null {
    const { cost } = requester;
    let refusal = this.refusal(cost);
    if (refusal && evict) {
      const victims = this.planEviction(requester);
      if (victims) for (const victim of victims) victim.pool.evictOldestIdle();
      refusal = this.refusal(cost);
    }
    if (refusal) return refusal;
    const owner = this.ownerOf(cost.ownerId);
    for (const usage of [this.node, owner]) {
      usage.sandboxes++;
      usage.memoryMb += cost.memoryMb;
    }
    return null;
  }

  /** Returns the share of one sandbox of `pool`. */
  release(pool: EvictionCandidate): void {
    const { cost } = pool;
    const owner = this.ownerOf(cost.ownerId);
    for (const usage of [this.node, owner]) {
      usage.sandboxes--;
      usage.memoryMb -= cost.memoryMb;
    }
    if (owner.sandboxes <= 0) this.owners.delete(cost.ownerId);
  }

  /** Why one more sandbox of this cost does not fit now; null when it does. */
  private refusal(cost: SandboxCost): AdmissionRefusal | null {
    const owner = this.owners.get(cost.ownerId) ?? { sandboxes: 0, memoryMb: 0 };
    return firstCrossed(this.limits, this.node, owner, cost);
  }

  /**
   * The idle sandboxes to stop so that one more of `requester`'s fits, least recently used
   * first: the owner's own until it is within its caps, then anyone's until the node is.
   * Null when even stopping every candidate would not make enough room (nothing is stopped then).
   */
  private planEviction(requester: EvictionCandidate): Victim[] | null {
    const { cost } = requester;
    const idle: Victim[] = [];
    for (const pool of this.pools) {
      if (pool === requester) continue;
      for (const lastUsedAt of pool.evictable()) idle.push({ pool, lastUsedAt });
    }
    idle.sort((a, b) => a.lastUsedAt - b.lastUsedAt);
    const node = { ...this.node };
    const owner = { ...(this.owners.get(cost.ownerId) ?? { sandboxes: 0, memoryMb: 0 }) };
    const chosen: Victim[] = [];
    const take = (victim: Victim): void => {
      chosen.push(victim);
      idle.splice(idle.indexOf(victim), 1);
      node.sandboxes--;
      node.memoryMb -= victim.pool.cost.memoryMb;
      if (victim.pool.cost.ownerId === cost.ownerId) {
        owner.sandboxes--;
        owner.memoryMb -= victim.pool.cost.memoryMb;
      }
    };
    while (ownerLimitCrossed(this.limits, owner, cost)) {
      const own = idle.find((victim) => victim.pool.cost.ownerId === cost.ownerId);
      if (!own) return null;
      take(own);
    }
    while (firstCrossed(this.limits, node, owner, cost)) {
      const oldest = idle[0];
      if (!oldest) return null;
      take(oldest);
    }
    return chosen;
  }

  private ownerOf(ownerId: string): Usage {
    let usage = this.owners.get(ownerId);
    if (!usage) {
      usage = { sandboxes: 0, memoryMb: 0 };
      this.owners.set(ownerId, usage);
    }
    return usage;
  }
}

function ownerLimitCrossed(limits: AdmissionLimits, owner: Usage, cost: SandboxCost): boolean {
  return owner.sandboxes + 1 > limits.ownerMaxSandboxes || owner.memoryMb + cost.memoryMb > limits.ownerMemoryMb;
}

/** The first limit one more sandbox of `cost` would cross, owner limits first (they are what the owner can act on). */
function firstCrossed(limits: AdmissionLimits, node: Usage, owner: Usage, cost: SandboxCost): AdmissionRefusal | null {
  if (owner.sandboxes + 1 > limits.ownerMaxSandboxes) {
    return {
      limit: 'owner-sandboxes',
      message: `The function's owner runs its maximum of ${limits.ownerMaxSandboxes} sandboxes on this node (FNGRAPH_OWNER_MAX_SANDBOXES), none of them idle`,
    };
  }
  if (owner.memoryMb + cost.memoryMb > limits.ownerMemoryMb) {
    return {
      limit: 'owner-memory',
      message: `A ${cost.memoryMb} MB sandbox does not fit in the owner's memory on this node: ${owner.memoryMb} MB of ${limits.ownerMemoryMb} MB in use and not enough of it idle to stop (FNGRAPH_OWNER_MEMORY_MB)`,
    };
  }
  if (node.sandboxes + 1 > limits.maxSandboxes) {
    return { limit: 'node-sandboxes', message: `This node runs its maximum of ${limits.maxSandboxes} sandboxes, none of them idle` };
  }
  if (node.memoryMb + cost.memoryMb > limits.memoryBudgetMb) {
    return {
      limit: 'node-memory',
      message: `A ${cost.memoryMb} MB sandbox does not fit in this node's sandbox memory: ${node.memoryMb} MB of ${limits.memoryBudgetMb} MB in use and not enough of it idle to stop (FNGRAPH_NODE_MEMORY_BUDGET_MB)`,
    };
  }
  return null;
}
