import type { InvocationEvent } from '@/modules/executor/execution.types.js';

/** Request bodies are stored up to this size; the function always gets the whole body. */
export const STORED_BODY_BYTES = 64 * 1024;

export const REDACTED_HEADERS: ReadonlySet<string> = new Set(['authorization', 'cookie', 'x-api-key', 'proxy-authorization']);

/** The event as kept on the invocation record: credentials redacted, body capped. */
export function storedRequest(given: InvocationEvent): { request: InvocationEvent; truncated: boolean } {
  // The caller's address is handed to the function, not kept (the audit log has its own).
  const { sourceIp: _sourceIp, ...event } = given;
  const headers = Object.fromEntries(
    Object.entries(event.headers).map(([name, value]) => [name, REDACTED_HEADERS.has(name.toLowerCase()) ? '[redacted]' : value]),
  );
  const body = event.body;
  if (body === null || body.length <= STORED_BODY_BYTES) return { request: { ...event, headers }, truncated: false };
  return { request: { ...event, headers, body: body.slice(0, STORED_BODY_BYTES) }, truncated: true };
}

/** What a record's request becomes once its retention is over: its shape, none of its content. */
export const PURGED_REQUEST: InvocationEvent = Object.freeze({ method: '', path: '', headers: {}, query: {}, body: null, isBase64Encoded: false });
