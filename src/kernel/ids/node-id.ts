import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * Identifies this server process among the nodes sharing Redis and storage, unless
 * `FNGRAPH_NODE_ID` names it: read it as `AppConfig.nodeId`. Host name (the pod's name on
 * Kubernetes), process id and a random part, so a restart is a new node.
 */
export const NODE_ID = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
