import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import { PlatformPorts } from '@/kernel/network/platform-ports.js';
import { listen, listenerUrl } from '@/api/http/listeners.js';
import { PublicUrls } from '@/api/http/origins/public-urls.js';

/**
 * The functions' own origin (`FNGRAPH_FUNCTIONS_PORT`), in the manner of Lambda function
 * URLs: a second HTTP listener that serves function endpoints only, through the same
 * gateway as the API port (logging, credentials, rate limits, drain) — the handler
 * `server.ts` gives it. Nothing of the management API is there, so a function's page,
 * cookies and CORS on that origin reach no credential of the API's.
 */
@Injectable()
export class FunctionsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FunctionsListener.name);
  private handler: RequestListener | null = null;
  private server: Server | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly urls: PublicUrls,
    private readonly ports: PlatformPorts,
  ) {}

  /** `http://host:port`, once listening; null without the listener. */
  get url(): string | null {
    return listenerUrl(this.server);
  }

  /** The listening server (for server-wide settings such as timeouts); null without the listener. */
  get httpServer(): Server | null {
    return this.server;
  }

  /** What answers its requests; set before the application starts (it listens at bootstrap). */
  serveWith(handler: RequestListener): void {
    this.handler = handler;
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.functionsOrigin.port;
    if (port === undefined) return;
    if (!this.handler) throw new Error('FNGRAPH_FUNCTIONS_PORT is set but no handler was given to the functions listener');
    const server = createServer(this.handler);
    await listen(server, port, this.config.host, this.ports);
    this.server = server;
    this.urls.functionsListenerStarted(server.address() as AddressInfo);
    this.logger.log(`Functions on ${this.url} (function endpoints only; their public base URL is ${this.urls.functions()})`);
  }

  /** After the drain (`beforeApplicationShutdown`): the calls it served have been answered by then. */
  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Idle keep-alive connections would otherwise hold the shutdown; a response still
    // being sent gets a moment to leave before its connection is cut.
    server.closeIdleConnections();
    const cut = setTimeout(() => server.closeAllConnections(), 1000);
    cut.unref();
    await closed;
    clearTimeout(cut);
  }
}
