/**
 * Storage port: the nodes sharing a store, each known by its heartbeats. A node that has not
 * been heard from within `AppConfig.delivery.nodeTimeoutSeconds` is dead, and the sweeper
 * ends its unfinished work.
 */
export abstract class NodeRegistry {
  abstract heartbeat(nodeId: string, role: string, at: Date): Promise<void>;
  /** Nodes heard from since `seenSince`. */
  abstract liveNodeIds(seenSince: Date): Promise<string[]>;
  /** Nodes last heard from before `seenBefore`: dead, their leftovers still to be cleaned up. */
  abstract deadNodeIds(seenBefore: Date): Promise<string[]>;
  /** A node that stops cleanly, or a dead one cleaned up after, leaves the registry. */
  abstract remove(nodeId: string): Promise<void>;
}
