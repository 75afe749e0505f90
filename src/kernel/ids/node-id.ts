import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** Identifies this server process among the nodes sharing Redis and storage. */
export const NODE_ID = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
