import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { NotFoundError, ValidationError } from '@/kernel/errors/domain-error.js';
import { presentError } from '@/kernel/errors/error-presenter.js';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import { AppConfig } from '@/kernel/config/app-config.js';
import { type RequestContext, runInRequestContext } from '@/kernel/telemetry/request-context.js';
import { beginRequest, type PrincipalLookup } from '@/api/http/request-logging.js';
import { AuthenticationService } from '@/modules/auth/authentication.service.js';
import { setRequestActor } from '@/api/http/auth/request-actor.js';
import { ANONYMOUS, isAuthenticated, type Principal, type RequestOrigin } from '@/kernel/identity/principal.js';
import { RateLimitsService } from '@/modules/limits/rate-limits.service.js';
import { InvocationsService } from '@/modules/invocations/invocations.service.js';
import { PublicUrls } from '@/api/http/origins/public-urls.js';
import { isFunctionUrl, parseFunctionRoute } from './function-route.js';
import { toInvocationEvent } from './http-event.js';
import { streamingSink, writeDocumentResponse, writeErrorResponse, writeInvocationResponse } from './http-response.js';
import { AnonymousUploads } from '@/api/http/bodies/anonymous-uploads.js';
import { hasBody, readBody } from './request-body.js';
import { containResponse, type ServingOrigin } from './serving-origin.js';
import { functionDocumentRequest } from '@/api/http/openapi/function-document-route.js';
import { OpenApiDocuments } from '@/api/http/openapi/openapi-documents.js';

/** What the gateway is given by the server that hands it requests. */
export interface GatewayOptions {
  logger: PinoLogger;
  logRequests: boolean;
  principalOf: PrincipalLookup;
  /** The client's address and agent (honouring `trust proxy`: see `clientOriginResolver`). */
  originOf: (req: IncomingMessage) => RequestOrigin;
}

/**
 * The HTTP endpoints every function gets, for every method: `/execute/<id>[/<path>]` and
 * `/fn/<name>[@<version or alias>][/<path>]`, and the function's OpenAPI document at
 * `/fn/<name>[@<version>]/openapi.json` (see `functionDocumentRequest`). They are the
 * platform's hot path, so they are served here from the raw request, before the framework
 * sees it (`serveFunctionsFirst`: its router alone cost ~5 % of a warm call): the same
 * steps the management API takes — request id and log line, credentials (refused when
 * invalid), rate limits, body size limit — done once each, then the invocation, then one
 * write of the response. It serves the API's
 * port and, when configured, the functions' own (`FunctionsListener`); what a function's
 * response may carry depends on which (see `ServingOrigin`).
 */
@Injectable()
export class FunctionGateway {
  constructor(
    private readonly invocations: InvocationsService,
    private readonly authentication: AuthenticationService,
    private readonly limits: RateLimitsService,
    private readonly config: AppConfig,
    private readonly errors: UnexpectedErrors,
    private readonly anonymousUploads: AnonymousUploads,
    private readonly urls: PublicUrls,
    private readonly documents: OpenApiDocuments,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, options: GatewayOptions, servedOn: ServingOrigin): Promise<void> {
    const context = beginRequest(req, res, options.logger, options.logRequests, options.principalOf);
    const origin = options.originOf(req);
    // As `requestScope` does for the rest: every line written meanwhile carries the request's context.
    if (this.config.observability.logRequestContext) await runInRequestContext(context, () => this.serve(req, res, context, origin, servedOn));
    else await this.serve(req, res, context, origin, servedOn);
  }

  private async serve(req: IncomingMessage, res: ServerResponse, context: RequestContext, origin: RequestOrigin, servedOn: ServingOrigin): Promise<void> {
    containResponse(res, servedOn);
    try {
      // Only the functions' own listener hands over other URLs: nothing else is served there.
      if (!isFunctionUrl(req.url ?? '/')) throw new NotFoundError('Route', `${req.method} ${(req.url ?? '/').split('?', 1)[0]}`);
      const route = parseFunctionRoute(req.url ?? '/');
      if (!route) throw new ValidationError('Expected /fn/<name>[@<version or alias>][/<path>] or /execute/<id>[/<path>]');
      const principal = await this.callerOf(req);
      setRequestActor(req, { principal, origin });
      await this.limits.consumeRequest(principal, origin);
      const documentRequest = functionDocumentRequest(req.method, route);
      if (documentRequest) {
        writeDocumentResponse(res, await this.documents.forFunctionByName(principal, documentRequest.name, documentRequest.version));
        return;
      }
      const body = await this.bodyOf(req, principal);
      const invocation = await this.invocations.invoke({
        ref: route.ref,
        version: route.version,
        alias: route.alias,
        followDefaultAlias: route.followDefaultAlias,
        routingKey: headerValue(req.headers[ROUTING_KEY_HEADER]),
        trigger: 'HTTP',
        event: toInvocationEvent(req, route, body, origin.ip),
        principal,
        origin: context,
        async: wantsAsync(req),
        idempotencyKey: headerValue(req.headers['idempotency-key']),
        streamTo: (invocation) => streamingSink(res, invocation, servedOn),
      });
      // The API's origin links its own invocations by path; the functions' origin needs the API's address.
      const apiBaseUrl = servedOn === 'api' ? '' : this.urls.api();
      writeInvocationResponse(res, await this.invocations.seenBy(principal, invocation), { origin: servedOn, apiBaseUrl });
    } catch (error) {
      this.refuse(req, res, error);
    }
  }

  /** Read only once the caller is known and within its limits; anonymous bodies share a bounded number of places. */
  private async bodyOf(req: IncomingMessage, principal: Principal): Promise<Buffer> {
    const release = hasBody(req) && !isAuthenticated(principal) ? this.anonymousUploads.acquire() : undefined;
    try {
      return await readBody(req, this.config.limits.maxBodyBytes, this.config.requestBodies.bodyTimeoutMs);
    } finally {
      release?.();
    }
  }

  /** The caller, from the platform credentials it sent (removed: a function never sees them). */
  private async callerOf(req: IncomingMessage): Promise<Principal> {
    const { authorization, 'x-api-key': apiKey } = req.headers;
    // Public functions are mostly called without credentials: nothing to verify then.
    if (authorization === undefined && apiKey === undefined) return ANONYMOUS;
    const { principal, consumed } = await this.authentication.authenticate({ authorization, apiKey }, 'function');
    if (consumed.authorization) delete req.headers.authorization;
    if (consumed.apiKey) delete req.headers['x-api-key'];
    return principal;
  }

  private refuse(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    const presented = presentError(error);
    if (presented.unexpected) this.errors.report(error, { source: 'http', where: `${req.method} ${routePattern(req.url)}`, request: req });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // A body left unread (refused before reading, or too large) must not be taken for the next request.
    if (!req.complete) res.setHeader('connection', 'close');
    writeErrorResponse(res, presented);
  }
}

/** Sticky routing through an alias: calls with the same key run the same version while the alias's weights stay. */
const ROUTING_KEY_HEADER = 'x-fngraph-routing-key';

/** `Prefer: respond-async` (RFC 7240), or Lambda's way of saying it: queue the call, answer 202 at once. */
function wantsAsync(req: IncomingMessage): boolean {
  const prefer = headerValue(req.headers.prefer) ?? '';
  if (/(^|[,;\s])respond-async($|[,;\s])/i.test(prefer)) return true;
  return headerValue(req.headers['x-fngraph-invocation-type'])?.toLowerCase() === 'event';
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The route, not the URL: no names or ids, no query string (it may carry credentials). */
function routePattern(url: string | undefined): string {
  return url?.startsWith('/execute') ? '/execute/:functionId' : '/fn/:name';
}
