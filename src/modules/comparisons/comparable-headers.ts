import type { HeaderDifference } from './comparison.record.js';

/**
 * Headers that differ between any two calls of the same code (dates, ids, tracing, the
 * platform's own `x-fngraph-*`, the length that follows the body): left out of comparisons.
 */
const VOLATILE_HEADERS = new Set([
  'date',
  'age',
  'expires',
  'last-modified',
  'etag',
  'content-length',
  'x-request-id',
  'request-id',
  'x-correlation-id',
  'x-amzn-requestid',
  'x-amzn-trace-id',
  'traceparent',
  'tracestate',
  'server-timing',
  'x-response-time',
]);

/** Header differences reported at most, per comparison (the first, by name). */
export const MAX_HEADER_DIFFERENCES = 20;

export function isVolatileHeader(name: string): boolean {
  const lowerCase = name.toLowerCase();
  return VOLATILE_HEADERS.has(lowerCase) || lowerCase.startsWith('x-fngraph-');
}

/** The headers whose values differ, volatile ones left out, by name (lower case), at most `MAX_HEADER_DIFFERENCES`. */
export function headerDifferences(before: Record<string, string | string[]>, after: Record<string, string | string[]>): HeaderDifference[] {
  const left = comparable(before);
  const right = comparable(after);
  const names = [...new Set([...left.keys(), ...right.keys()])].sort();
  return names
    .filter((name) => left.get(name) !== right.get(name))
    .slice(0, MAX_HEADER_DIFFERENCES)
    .map((name) => ({ name, before: left.get(name) ?? null, after: right.get(name) ?? null }));
}

function comparable(headers: Record<string, string | string[]>): Map<string, string> {
  const kept = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (isVolatileHeader(name)) continue;
    kept.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value);
  }
  return kept;
}
