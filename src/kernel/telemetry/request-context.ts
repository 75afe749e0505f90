import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What the log lines of one HTTP request carry: created when the request arrives (see
 * `requestStart`) and filled in as the request is understood (GraphQL operation,
 * function, invocation, trace id). It travels with the request object itself
 * (`requestContextOf(req)`), and, when enabled, in an AsyncLocalStorage scope too, so
 * that every line written while serving the request carries it (`currentRequestContext`).
 */
export interface RequestContext {
  requestId: string;
  /** Who is calling, read when a line is written (authentication runs after this context starts). */
  principal: () => string | undefined;
  operation?: string;
  function?: string;
  invocationId?: string;
  /** The request's trace id: the active span's, or the caller's, or a new one when tracing is off. */
  traceId: string;
}

const CONTEXT = Symbol('fngraph.requestContext');
const storage = new AsyncLocalStorage<RequestContext>();

export function attachRequestContext(req: object, context: RequestContext): void {
  (req as { [CONTEXT]?: RequestContext })[CONTEXT] = context;
}

/** The context of a request (undefined for objects that did not go through `requestStart`). */
export function requestContextOf(req: object | undefined | null): RequestContext | undefined {
  return req ? (req as { [CONTEXT]?: RequestContext })[CONTEXT] : undefined;
}

/**
 * Runs `fn` with `context` as the current request context. Costly on Node 20 (every
 * promise then pays for async_hooks: about 3x a bare `await`), hence optional: see
 * `FNGRAPH_LOG_REQUEST_CONTEXT`.
 */
export function runInRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

const errorContexts = new WeakMap<object, RequestContext>();

/** Remembers which request an error happened in, for whoever reports it later (GraphQL's error formatter). */
export function noteErrorContext(error: unknown, context: RequestContext | undefined): void {
  if (context && typeof error === 'object' && error !== null) errorContexts.set(error, context);
}

export function errorContextOf(error: unknown): RequestContext | undefined {
  return typeof error === 'object' && error !== null ? errorContexts.get(error) : undefined;
}

/** Where the security layer keeps the caller, when it sets `req.principal` (see `requestStart`). */
export function principalOnRequest(req: object): string | undefined {
  const subject = (req as { principal?: { subject?: unknown } | null }).principal?.subject;
  return typeof subject === 'string' ? subject : undefined;
}
