import { eventChannelFamily } from '@/kernel/events/event-channel.js';

/** Sandbox counts of one function on one node. */
export interface InstancesReport {
  nodeId: string;
  functionId: string;
  instances: number;
  idle: number;
  /** Epoch ms; reports are repeated while instances exist, so old ones mean a gone node. */
  at: number;
}

/** Each node's sandbox counts of one function. */
export const functionInstancesChannel = eventChannelFamily<InstancesReport>('function', 'instances');

/** How often a node repeats its reports while it has sandboxes. */
export const INSTANCES_HEARTBEAT_MS = 5000;
