import 'reflect-metadata';
import type { RequestListener, Server } from 'node:http';
import { type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DestinationStream } from 'pino';
import { AppModule } from '@/app.module.js';
import { AppConfig } from '@/kernel/config/app-config.js';
import { PlatformPorts } from '@/kernel/network/platform-ports.js';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import { AuthenticationService } from '@/modules/auth/authentication.service.js';
import { InvocationDrain } from '@/modules/invocations/invocation-drain.js';
import { RateLimitsService } from '@/modules/limits/rate-limits.service.js';
import { createLogger } from '@/adapters/observability/logging/create-logger.js';
import { jsonDepthLimit } from '@/api/http/json-depth.middleware.js';
import { PinoNestLogger } from '@/adapters/observability/logging/pino-nest-logger.js';
import { GRAPHQL_PATH } from '@/api/graphql/graphql-api.module.js';
import { limitWsPayload } from '@/api/graphql/ws-payload-limit.js';
import { graphiql } from '@/api/graphql/graphiql/graphiql.middleware.js';
import { webConsole } from '@/api/http/console/console.middleware.js';
import { apiGate } from '@/api/http/auth/api-gate.middleware.js';
import { AnonymousUploads } from '@/api/http/bodies/anonymous-uploads.js';
import { jsonBody } from '@/api/http/bodies/json-body.middleware.js';
import { requestActor } from '@/api/http/auth/request-actor.js';
import { FunctionGateway } from '@/api/http/gateway/function-gateway.js';
import { FunctionsListener } from '@/api/http/gateway/functions-listener.js';
import { isFunctionUrl } from '@/api/http/gateway/function-route.js';
import { type PrincipalLookup, requestScope, requestStart } from '@/api/http/request-logging.js';
import { gateUpgrades } from '@/api/http/upgrades/upgrade-gate.js';
import { clientOriginResolver, type ExpressApplication } from '@/api/http/origins/client-origin.js';

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
  const principalOf = options.principalOf ?? ((req) => requestActor(req).principal.subject ?? undefined);
  const expressApp = app.getHttpAdapter().getInstance() as ExpressApplication & RequestListener;
  const originOf = clientOriginResolver(expressApp);
  const gateway = app.get(FunctionGateway);
  const gatewayOptions = { logger, logRequests: config.observability.logHttpRequests, principalOf, originOf };
  // The functions' own origin, when configured: the gateway, nothing else.
  app.get(FunctionsListener).serveWith((req, res) => void gateway.handle(req, res, gatewayOptions, 'functions'));
  // Refused requests get a request id and a log line too.
  app.use(requestStart(logger, config.observability.logHttpRequests, principalOf));
  // Before the body parser: unauthenticated or throttled requests are refused unread.
  app.use(apiGate(app.get(AuthenticationService), app.get(RateLimitsService), app.get(UnexpectedErrors)));
  if (config.graphiql) app.use(graphiql(GRAPHQL_PATH));
  if (config.console) app.use(webConsole({ graphiql: config.graphiql }));
  const bodies = { maxBytes: config.limits.maxBodyBytes, timeoutMs: config.requestBodies.bodyTimeoutMs };
  app.use(jsonBody(bodies, app.get(AnonymousUploads), app.get(UnexpectedErrors)));
  if (config.observability.logRequestContext) app.use(requestScope());
  app.disable('x-powered-by');
  // After the body parser, before any route walks the body recursively.
  app.use(jsonDepthLimit());
  // Management responses are small and uncached: hashing each for an ETag is wasted work.
  app.set('etag', false);
  // graphql-ws installs its upgrade listener and WebSocket server during init.
  await app.init();
  // Function endpoints are served whole by the gateway, before Express sees them.
  serveFunctionsFirst(app.getHttpServer(), expressApp, (req, res) => void gateway.handle(req, res, gatewayOptions, 'api'));
  limitSlowRequests(app.getHttpServer(), config);
  // The functions listener started during init: the same bounds there.
  const functionsServer = app.get(FunctionsListener).httpServer;
  if (functionsServer) limitSlowRequests(functionsServer, config);
  limitWsPayload(app, config.limits.maxBodyBytes);
  gateUpgrades(app.getHttpServer(), {
    path: GRAPHQL_PATH,
    limiter: app.get(RateLimitsService),
    originOf,
    errors: app.get(UnexpectedErrors),
  });
  return app;
}

/**
 * Node's own bounds on receiving a request: the headers within `FNGRAPH_HEADERS_TIMEOUT_MS`
 * (else 408 and closed), the whole request a little after the body timeout (the body
 * readers answer 408 with a JSON body first; this catches any other reader).
 */
function limitSlowRequests(server: Server, config: AppConfig): void {
  const { headersTimeoutMs, bodyTimeoutMs } = config.requestBodies;
  server.headersTimeout = headersTimeoutMs;
  server.requestTimeout = headersTimeoutMs + bodyTimeoutMs + 5000;
}

/**
 * SIGTERM/SIGINT stop the server gracefully: first the invocation path drains (new calls
 * refused, running ones finish or are cut, records stored; see `InvocationDrain`) while
 * everything else still works, then the application closes. A second signal exits at once.
 */
export function stopOnSignals(app: INestApplication): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    new Logger('fngraph').log(`${signal}: draining, then stopping`);
    void app
      .get(InvocationDrain)
      .drain()
      .finally(() => app.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          new Logger('fngraph').error(`Shutdown failed: ${(error as Error).message}`);
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Starts listening; returns the base URL. */
export async function startServer(app: INestApplication, config: AppConfig): Promise<string> {
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as { port: number };
  app.get(PlatformPorts).add(address.port);
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${address.port}`;
  new Logger('fngraph').log(`Listening on ${url} (GraphQL and graphql-ws at ${GRAPHQL_PATH})`);
  return url;
}

/**
 * Hands function endpoints (`/fn/...`, `/execute/...`) to `serve` in place of the framework
 * (`framework`, its request listener), which keeps everything else. Other listeners (Nest
 * counts requests per socket for its shutdown) still see every request.
 */
function serveFunctionsFirst(server: Server, framework: RequestListener, serve: RequestListener): void {
  if (!server.listeners('request').includes(framework)) throw new Error("The framework's request listener is not on the HTTP server");
  server.removeListener('request', framework);
  server.prependListener('request', (req, res) => (isFunctionUrl(req.url ?? '/') ? serve(req, res) : framework(req, res)));
}

/** Express's `trust proxy`: true/false, a hop count, or addresses/subnets. */
function trustProxyValue(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

export { AppConfig };
