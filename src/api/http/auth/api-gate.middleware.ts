import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { presentError } from '@/kernel/errors/error-presenter.js';
import type { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import type { AuthenticationService } from '@/modules/auth/authentication.service.js';
import type { Principal, RequestOrigin } from '@/kernel/identity/principal.js';
import { requestOrigin, setRequestActor } from './request-actor.js';

export interface RequestLimiter {
  consumeRequest(principal: Principal, origin: RequestOrigin): Promise<void>;
}

const UNGATED_PATHS = /^\/health(?:\/|$)/;

/**
 * Runs before body parsing on every management request (function endpoints have the
 * same steps in `FunctionGateway`): resolves the caller (refusing invalid
 * credentials with 401, never treating them as anonymous), applies the per-credential or
 * per-address rate limit (429 with Retry-After), and removes the platform credentials it
 * consumed from the headers, so a function never sees its caller's key or token.
 */
export function apiGate(authentication: AuthenticationService, limiter: RequestLimiter, errors: UnexpectedErrors): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (UNGATED_PATHS.test(req.path)) {
      next();
      return;
    }
    const origin = requestOrigin(req);
    authentication
      .authenticate({ authorization: req.headers.authorization, apiKey: req.headers['x-api-key'] }, 'management')
      .then(async ({ principal, consumed }) => {
        if (consumed.authorization) delete req.headers.authorization;
        if (consumed.apiKey) delete req.headers['x-api-key'];
        setRequestActor(req, { principal, origin });
        await limiter.consumeRequest(principal, origin);
        next();
      })
      .catch((error: unknown) => refuseRequest(req, res, error, errors));
  };
}

/** A refusal before the request reaches a route: the REST error shape, or a GraphQL-shaped body on /graphql. */
export function refuseRequest(req: Request, res: Response, error: unknown, errors: UnexpectedErrors): void {
  const presented = presentError(error);
  if (presented.unexpected) errors.report(error, { source: 'http', where: `${req.method} (authentication and limits)`, request: req });
  if (presented.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(Math.ceil(presented.retryAfterSeconds)));
  if (presented.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="fngraph"');
  const extensions = { code: presented.code, ...(presented.retryAfterSeconds !== undefined ? { retryAfterSeconds: presented.retryAfterSeconds } : {}) };
  // GraphQL clients get a GraphQL-shaped body; everyone else the REST error shape.
  const body = req.path.startsWith('/graphql')
    ? { errors: [{ message: presented.message, extensions }] }
    : { error: { code: presented.code, message: presented.message } };
  res.status(presented.status).json(body);
}
