import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { newApiKeyToken, rememberAdminKey } from './credentials.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { MONGODB_URI, REDIS_URL } from './services.js';

/**
 * Server nodes (built server processes) sharing one Redis and one MongoDB-protocol store, in
 * a database of their own: what several fngraph nodes in production share. Needs REDIS_URL
 * and MONGODB_URI (skip the suite without them).
 */
export class Cluster {
  readonly adminKey = newApiKeyToken();
  readonly databaseUri: string;
  private readonly nodes: ServerProcess[] = [];
  private readonly env: Record<string, string>;

  constructor(prefix: string, env: Record<string, string> = {}) {
    this.databaseUri = `${(MONGODB_URI as string).replace(/\/?$/, '/')}${prefix}_${randomBytes(4).toString('hex')}`;
    this.env = {
      MONGODB_URI: this.databaseUri,
      REDIS_URL: REDIS_URL as string,
      FNGRAPH_MASTER_KEY: randomBytes(32).toString('base64'),
      FNGRAPH_BOOTSTRAP_ADMIN_KEY: this.adminKey,
      ...env,
    };
  }

  /** Starts a node (one at a time: the first creates the shared admin key, the next find it). */
  async node(nodeId: string, env: Record<string, string> = {}): Promise<ServerProcess> {
    const server = await startServerProcess({ ...this.env, FNGRAPH_NODE_ID: nodeId, ...env });
    rememberAdminKey(server.url, this.adminKey);
    this.nodes.push(server);
    return server;
  }

  async stopNodes(): Promise<void> {
    await Promise.all(this.nodes.splice(0).map((server) => server.stop()));
  }

  /** Stops every node and drops the database. */
  async destroy(): Promise<void> {
    await this.stopNodes();
    const connection = await mongoose.createConnection(this.databaseUri).asPromise();
    await connection.dropDatabase();
    await connection.close();
  }
}
