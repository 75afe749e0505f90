/** W3C trace context for requests the console sends, so it can find the invocation they start. */

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** A new trace id: 32 lower-case hex digits, never all zeros (invalid in W3C trace context). */
export function newTraceId(): string {
  const id = randomHex(16);
  return /^0+$/.test(id) ? newTraceId() : id;
}

/** A `traceparent` header continuing `traceId` from a new (sampled) parent span. */
export function traceparent(traceId: string): string {
  return `00-${traceId}-${randomHex(8)}-01`;
}

/** What the server accepts as a trace id filter. */
export const TRACE_ID = /^[0-9a-f]{32}$/;
