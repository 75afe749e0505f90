/** What a node has in use, as the executor reports it. */
export interface NodeUsage {
  node: { inUse: number; limit: number };
  memory: { inUseMb: number; limitMb: number };
  /** The function owner's share and caps. */
  owner: { sandboxes: number; memoryMb: number; maxSandboxes: number; maxMemoryMb: number };
  /** The shadow version already has an idle sandbox here: running it takes nothing from anyone. */
  idleCandidate: boolean;
}

/**
 * Why a shadow run must not start now, or null when it may. A shadow run must never take
 * room the callers need: it starts only when its sandbox is already there, or a new one fits
 * the node's and the owner's limits without stopping anybody's idle sandbox (the next
 * caller of the stable version would then start cold) and without throttling the owner's calls.
 */
export function noRoomReason(inFlight: number, concurrency: number, usage: NodeUsage, memoryLimitMb: number): string | null {
  if (inFlight >= concurrency) return `${concurrency} shadow runs already in flight on this node (FNGRAPH_SHADOW_CONCURRENCY)`;
  if (usage.idleCandidate) return null;
  if (usage.node.inUse + 1 > usage.node.limit) return 'the node has no free sandbox slot';
  if (usage.memory.inUseMb + memoryLimitMb > usage.memory.limitMb) return "the node's sandbox memory budget is used up";
  if (usage.owner.sandboxes + 1 > usage.owner.maxSandboxes) return "the owner's sandboxes on this node are at their cap";
  if (usage.owner.memoryMb + memoryLimitMb > usage.owner.maxMemoryMb) return "the owner's sandbox memory on this node is at its cap";
  return null;
}
