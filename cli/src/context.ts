import { FngraphClient } from '@fngraph/sdk';
import { type Connection, resolveConnection } from './credentials.js';
import { Output, type OutputFormat } from './output.js';

/** The global options every command gets. */
export interface GlobalOptions {
  url?: string;
  output: OutputFormat;
}

/** What a command runs with: where the server is, a client for it, and where output goes. */
export class CommandContext {
  readonly output: Output;
  readonly connection: Connection;
  private cachedClient: FngraphClient | null = null;

  constructor(options: GlobalOptions) {
    this.output = new Output(options.output);
    this.connection = resolveConnection(options.url);
  }

  get client(): FngraphClient {
    this.cachedClient ??= new FngraphClient({ url: this.connection.url, credential: this.connection.apiKey });
    return this.cachedClient;
  }

  /** A fresh client (a new WebSocket), e.g. to reconnect a subscription. */
  newClient(): FngraphClient {
    return new FngraphClient({ url: this.connection.url, credential: this.connection.apiKey });
  }

  async close(): Promise<void> {
    await this.cachedClient?.close();
  }
}
