import { randomBytes } from 'node:crypto';
import { type Attributes, isSpanContextValid, type Span, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { currentRequestContext } from '../logging/request-context.js';

/**
 * fngraph's own spans. Without a started SDK (tracing not configured) the API hands out
 * non-recording spans, so this costs next to nothing; the trace ids below then come from
 * a random source instead, and still tie logs, records and functions together.
 */
const tracer = trace.getTracer('fngraph');

/** Runs `fn` in a new active span (a child of the active one), ended when `fn` settles. */
export function withSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** A span that is not made active (for steps that start and end in callbacks). */
export function startSpan(name: string, attributes: Attributes = {}, startTime?: number): Span {
  return tracer.startSpan(name, { attributes, startTime });
}

export function markFailed(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/**
 * The trace id of `span`; when tracing is off, the current request's (see
 * `request-logging.ts`), or a fresh random one outside a request.
 */
export function traceIdOf(span: Span): string {
  const context = span.spanContext();
  if (isSpanContextValid(context)) return context.traceId;
  return currentRequestContext()?.traceId ?? randomTraceId();
}

export function randomTraceId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * A W3C `traceparent` naming `span` as the parent, in trace `traceId` (the invocation's):
 * the function's own spans and outgoing calls continue the invocation's trace.
 */
export function traceparentOf(span: Span, traceId: string): string {
  const context = span.spanContext();
  if (isSpanContextValid(context) && context.traceId === traceId) {
    const sampled = (context.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
    return `00-${context.traceId}-${context.spanId}-${sampled ? '01' : '00'}`;
  }
  return `00-${traceId}-${randomBytes(8).toString('hex')}-00`;
}

/** The ids of the active span, if any, for log lines. */
export function activeSpanIds(): { traceId: string; spanId: string } | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  return context && isSpanContextValid(context) ? { traceId: context.traceId, spanId: context.spanId } : undefined;
}
