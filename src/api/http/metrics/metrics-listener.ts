import { createServer, type Server } from 'node:http';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { NotFoundError } from '@/kernel/errors/domain-error.js';
import { presentError } from '@/kernel/errors/error-presenter.js';
import { AppConfig } from '@/kernel/config/app-config.js';
import { PlatformPorts } from '@/kernel/network/platform-ports.js';
import { listen, listenerUrl } from '@/api/http/listeners.js';
import { writeErrorResponse } from '@/api/http/gateway/http-response.js';
import { MetricsExporter } from '@/kernel/telemetry/metrics-exporter.js';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';

/**
 * A second HTTP listener that serves only `GET /metrics`, without credentials, when
 * `FNGRAPH_METRICS_PORT` is set: Prometheus scrapes it over an internal network while the
 * API port (which may face the Internet) keeps metrics to admins.
 */
@Injectable()
export class MetricsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsListener.name);
  private server: Server | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsExporter,
    private readonly errors: UnexpectedErrors,
    private readonly ports: PlatformPorts,
  ) {}

  /** `http://host:port`, once listening; null without the listener. */
  get url(): string | null {
    return listenerUrl(this.server);
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.observability.metricsPort;
    if (port === undefined) return;
    const server = createServer((req, res) => {
      const path = req.url?.split('?')[0] ?? '';
      if (req.method !== 'GET' || path !== '/metrics') {
        writeErrorResponse(res, presentError(new NotFoundError('Route', `${req.method} ${path}`)));
        return;
      }
      this.metrics.scrape().then(
        ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body),
        (error: unknown) => {
          this.errors.report(error, { source: 'http', where: 'GET /metrics (scraper listener)', request: req });
          writeErrorResponse(res, presentError(error));
        },
      );
    });
    await listen(server, port, this.config.host, this.ports);
    this.server = server;
    this.logger.log(`Metrics for scrapers on ${this.url}/metrics (no credentials: keep this port internal)`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // A scraper's keep-alive connection would otherwise hold the shutdown.
    server.closeAllConnections();
    await closed;
  }
}
