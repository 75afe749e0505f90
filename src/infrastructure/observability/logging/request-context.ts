import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What every log line written while serving one HTTP request carries. The store is
 * created when the request arrives and filled in as the request is understood (GraphQL
 * operation, function, invocation, trace id).
 */
export interface RequestContext {
  requestId: string;
  /** Who is calling, read when a line is written (authentication runs after this context starts). */
  principal: () => string | undefined;
  operation?: string;
  function?: string;
  invocationId?: string;
  /** The invocation's trace id, for log lines when tracing is off (else the active span's). */
  traceId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runInRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Adds what is now known about the current request (no-op outside one). */
export function annotateRequest(fields: Partial<Omit<RequestContext, 'requestId' | 'principal'>>): void {
  const context = storage.getStore();
  if (context) Object.assign(context, fields);
}

/** Where the security layer keeps the caller, when it sets `req.principal` (see `requestStart`). */
export function principalOnRequest(req: object): string | undefined {
  const subject = (req as { principal?: { subject?: unknown } | null }).principal?.subject;
  return typeof subject === 'string' ? subject : undefined;
}
