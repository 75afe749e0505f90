import 'reflect-metadata';
import { type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module.js';
import { AppConfig } from './config/app-config.js';
import { GRAPHQL_PATH } from './graphql/graphql-api.module.js';
import { createLogger } from './infrastructure/observability/logging/create-logger.js';
import { PinoNestLogger } from './infrastructure/observability/logging/pino-nest-logger.js';
import { type PrincipalLookup, requestScope, requestStart } from './infrastructure/observability/logging/request-logging.js';
import { AuthenticationService } from './modules/auth/authentication.service.js';
import { apiGate } from './modules/auth/http/api-gate.middleware.js';
import { requestActor } from './modules/auth/http/request-actor.js';
import { RateLimitsService } from './modules/limits/rate-limits.service.js';

export interface ServerOptions {
  /** Where JSON log lines go (tests capture them); stdout otherwise. */
  logStream?: DestinationStream;
  /** Runs when the application stops, after Nest's own shutdown hooks (e.g. flush tracing). */
  onShutdown?: () => Promise<void>;
  /** Where the authentication layer keeps a request's caller, for log lines (default: the request's actor). */
  principalOf?: PrincipalLookup;
}

/**
 * Builds the HTTP application for a configuration (used by `main.ts` and by tests).
 * Body parsing is set up here rather than by Nest: function endpoints take raw bytes
 * of any type, management endpoints take JSON, both under the configured size limit.
 */
export async function createServer(config: AppConfig, options: ServerOptions = {}): Promise<INestApplication> {
  const logger = await createLogger(config.observability, { stream: options.logStream });
  const nestLogger = new PinoNestLogger(logger);
  // Modules log while they are being assembled, before the application (and its logger) exists.
  Logger.overrideLogger(nestLogger);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forConfig(config, { logger, onShutdown: options.onShutdown }), {
    bodyParser: false,
    logger: nestLogger,
  });
  if (config.auth.trustProxy !== undefined) app.set('trust proxy', trustProxyValue(config.auth.trustProxy));
  // First: refused requests get a request id and a log line too.
  const principalOf = options.principalOf ?? ((req) => requestActor(req).principal.subject ?? undefined);
  app.use(requestStart(logger, config.observability.logHttpRequests, principalOf));
  // Before the body parsers: unauthenticated or throttled requests are refused unread.
  app.use(apiGate(app.get(AuthenticationService), app.get(RateLimitsService)));
  const limit = config.limits.maxBodyBytes;
  app.use(['/execute', '/fn'], express.raw({ type: () => true, limit }));
  app.use(express.json({ limit, strict: false }));
  if (config.observability.logRequestContext) app.use(requestScope());
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  return app;
}

/** Starts listening; returns the base URL. */
export async function startServer(app: INestApplication, config: AppConfig): Promise<string> {
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${address.port}`;
  new Logger('fngraph').log(`Listening on ${url} (GraphQL and graphql-ws at ${GRAPHQL_PATH})`);
  return url;
}

/** Express's `trust proxy`: true/false, a hop count, or addresses/subnets. */
function trustProxyValue(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

export { AppConfig };
