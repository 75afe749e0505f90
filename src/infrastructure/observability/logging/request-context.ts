import { AsyncLocalStorage } from 'node:async_hooks';

/** What the security layer sets on the request (read lazily: it is set after this context starts). */
interface WithPrincipal {
  principal?: { subject?: unknown } | null;
}

/**
 * What every log line written while serving one HTTP request carries. The store is
 * created when the request arrives and filled in as the request is understood (GraphQL
 * operation, function, invocation, trace id).
 */
export interface RequestContext {
  requestId: string;
  req: WithPrincipal;
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
export function annotateRequest(fields: Partial<Omit<RequestContext, 'requestId' | 'req'>>): void {
  const context = storage.getStore();
  if (context) Object.assign(context, fields);
}

export function principalOf(context: RequestContext): string | undefined {
  const subject = context.req.principal?.subject;
  return typeof subject === 'string' ? subject : undefined;
}
