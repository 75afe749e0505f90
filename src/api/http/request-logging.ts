import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { activeSpanIds, newTraceId } from '@/kernel/telemetry/spans.js';
import { attachRequestContext, principalOnRequest, type RequestContext, requestContextOf, runInRequestContext } from '@/kernel/telemetry/request-context.js';

/** A caller's request id is kept when it looks like an id (no log injection through it). */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** W3C trace context: version 00, trace id, parent id, flags. */
const TRACEPARENT = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;
/** Function endpoints: each call is also recorded as an invocation. */
const FUNCTION_PATHS = /^\/(execute|fn)(\/|$)/;
/** Scrapes and probes: frequent and uninteresting. */
const QUIET_PATHS = /^\/(health\/|metrics(\?|$))/;

/** Who the caller is, as the authentication layer recorded it for this request. */
export type PrincipalLookup = (req: IncomingMessage) => string | undefined;

/**
 * The first middleware: gives the request an id (the caller's `x-request-id` when sane,
 * else a new one), echoes it in the response, and logs one line when the response is
 * done: method, path (no query string: it may carry credentials), status, duration
 * (function calls that worked at `debug`, everything else at `info`).
 * `principalOf` tells where the authentication layer keeps the caller (`req.principal`
 * by default).
 */
export function requestStart(logger: Logger, logRequests: boolean, principalOf: PrincipalLookup = principalOnRequest): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    beginRequest(req, res, logger, logRequests, principalOf);
    next();
  };
}

/**
 * What `requestStart` does for one request, for handlers outside the Express chain (the
 * function gateway): the request's context, its id echoed, its log line when it ends.
 */
export function beginRequest(
  req: IncomingMessage & { path?: string },
  res: ServerResponse,
  logger: Logger,
  logRequests: boolean,
  principalOf: PrincipalLookup,
): RequestContext {
  const header = req.headers['x-request-id'];
  const requestId = typeof header === 'string' && ACCEPTABLE_REQUEST_ID.test(header) ? header : randomUUID();
  const context: RequestContext = { requestId, principal: () => principalOf(req), traceId: requestTraceId(req) };
  attachRequestContext(req, context);
  res.setHeader('x-request-id', requestId);
  const url = req.url ?? '/';
  if (logRequests && !QUIET_PATHS.test(url)) {
    const functionCall = FUNCTION_PATHS.test(url);
    const started = performance.now();
    const path = req.path ?? url.split('?', 1)[0];
    let logged = false;
    const done = () => {
      if (logged) return;
      logged = true;
      // Written outside the request's async context: its fields are given explicitly. A
      // function call that worked is already an invocation record: `debug`, off the hot
      // path. Never above `info`: a 5xx may be the function's failure (502, 504), and the
      // platform's own errors are logged where they happen, with their stack.
      const level = functionCall && res.statusCode < 400 ? 'debug' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        {
          requestId,
          ...(context.operation ? { operation: context.operation } : {}),
          ...(context.function ? { function: context.function } : {}),
          ...(context.invocationId ? { invocationId: context.invocationId } : {}),
          traceId: context.traceId,
          ...principalField(context.principal()),
          method: req.method,
          path,
          status: res.statusCode,
          aborted: !res.writableFinished,
          durationMs: Math.round((performance.now() - started) * 1000) / 1000,
        },
        'request completed',
      );
    };
    res.once('finish', done);
    res.once('close', done);
  }
  return context;
}

/**
 * After the body parsers (which read the body from socket callbacks, outside any async
 * context the request started): everything from here on runs inside the request's
 * context, so every log line written meanwhile carries it. Optional: it costs every
 * promise of the process (see `runInRequestContext`).
 */
export function requestScope(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const context = requestContextOf(req);
    if (context) runInRequestContext(context, next);
    else next();
  };
}

/**
 * The request's trace id: the active span's when tracing is on (the HTTP instrumentation
 * started it, continuing the caller's trace), else the caller's `traceparent`, else a
 * new one. Log lines and invocations of the request share it either way.
 */
function requestTraceId(req: IncomingMessage): string {
  const active = activeSpanIds()?.traceId;
  if (active) return active;
  const header = req.headers.traceparent;
  const match = typeof header === 'string' ? TRACEPARENT.exec(header.trim()) : null;
  return match && !/^0+$/.test(match[1]!) ? match[1]! : newTraceId();
}

function principalField(principal: string | undefined): { principal?: string } {
  return principal ? { principal } : {};
}
