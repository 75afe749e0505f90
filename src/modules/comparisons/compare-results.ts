import { createHash } from 'node:crypto';
import { type HttpResult, toHttpResult } from '@/modules/executor/http-result.js';
import type { InvocationRecord, InvocationStatus } from '@/modules/invocations/invocation.record.js';
import { headerDifferences } from './comparable-headers.js';
import type { BodyComparison, DifferenceKind, ResultComparison } from './comparison.record.js';
import { jsonDifferences } from './json-differences.js';

/** Bodies are shown in reports up to this many characters each. */
export const EXCERPT_CHARS = 4096;

/** One side of a comparison: what an invocation answered. */
export interface ObservedResult {
  status: InvocationStatus;
  errorType: string | null;
  /** The function's result (SUCCEEDED); see `responseKept`. */
  response: unknown;
  /** False when `response` is not the whole result (too large to keep on the record, or a streamed response's start). */
  responseKept: boolean;
  durationMs: number | null;
}

/**
 * The result of an invocation. `whole`: `response` is the function's complete result (held in
 * memory by the call that ran it), whatever the record could keep.
 */
export function observedResult(record: InvocationRecord, whole?: { response: unknown }): ObservedResult {
  return {
    status: record.status,
    errorType: record.error?.type ?? null,
    response: whole ? whole.response : record.response,
    responseKept: whole !== undefined || !record.responseTruncated,
    durationMs: record.durationMs,
  };
}

const JSON_TYPE = /^application\/(json|[a-z0-9.+-]*\+json)\b/i;

/**
 * Compares two results as a caller would see them: status (and error type), then, when both
 * succeeded, the HTTP status code, the headers (volatile ones left out) and the body (JSON
 * structurally, text byte for byte, binary by hash). Durations are reported, not compared.
 * A body that cannot be compared (a side's result was not kept whole) counts as a BODY
 * difference: a regression check must never say "identical" about what it could not see.
 */
export function compareResults(before: ObservedResult, after: ObservedResult): ResultComparison {
  const differences: DifferenceKind[] = [];
  if (before.status !== after.status || before.errorType !== after.errorType) differences.push('STATUS');
  const bothSucceeded = before.status === 'SUCCEEDED' && after.status === 'SUCCEEDED';
  const left = bothSucceeded ? toHttpResult(before.response) : null;
  const right = bothSucceeded ? toHttpResult(after.response) : null;
  let body: BodyComparison = {
    equal: null,
    format: 'none',
    paths: [],
    note: 'Only the results of invocations that both SUCCEEDED are compared beyond their status',
  };
  let headers: ResultComparison['headers'] = [];
  if (left && right) {
    if (left.statusCode !== right.statusCode) differences.push('STATUS_CODE');
    body = compareBodies(left, right, before.responseKept, after.responseKept);
    if (body.equal !== true) differences.push('BODY');
    headers = headerDifferences(left.headers, right.headers);
    if (headers.length > 0) differences.push('HEADERS');
  }
  return {
    outcome: differences.length === 0 ? 'IDENTICAL' : 'DIFFERENT',
    differences,
    status: { before: before.status, after: after.status },
    errorType: { before: before.errorType, after: after.errorType },
    statusCode: { before: left?.statusCode ?? null, after: right?.statusCode ?? null },
    body,
    headers,
    excerpts: { before: excerpt(left), after: excerpt(right) },
    durationMs: { before: before.durationMs, after: after.durationMs },
  };
}

function compareBodies(left: HttpResult, right: HttpResult, leftKept: boolean, rightKept: boolean): BodyComparison {
  if (!leftKept || !rightKept) {
    const side = !leftKept ? 'original' : 'candidate';
    return { equal: null, format: 'none', paths: [], note: `The ${side}'s response was too large to keep whole: bodies not compared` };
  }
  if (left.body === null && right.body === null) return { equal: true, format: 'none', paths: [], note: null };
  if (left.isBase64Encoded || right.isBase64Encoded) {
    return { equal: digest(left) === digest(right), format: 'binary', paths: [], note: null };
  }
  const leftJson = parsedJson(left);
  const rightJson = parsedJson(right);
  if (leftJson !== NOT_JSON && rightJson !== NOT_JSON) {
    const paths = jsonDifferences(leftJson, rightJson);
    return { equal: paths.length === 0, format: 'json', paths, note: null };
  }
  return { equal: left.body === right.body, format: 'text', paths: [], note: null };
}

const NOT_JSON = Symbol('not JSON');

/** A body said to be JSON (by its content type) that parses; anything else is compared as text. */
function parsedJson(result: HttpResult): unknown {
  const type = result.headers['content-type'];
  if (result.body === null || !JSON_TYPE.test(Array.isArray(type) ? (type[0] ?? '') : (type ?? ''))) return NOT_JSON;
  try {
    return JSON.parse(result.body) as unknown;
  } catch {
    return NOT_JSON;
  }
}

function digest(result: HttpResult): string {
  const bytes = result.body === null ? Buffer.alloc(0) : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body);
  return createHash('sha256').update(bytes).digest('hex');
}

function excerpt(result: HttpResult | null): string | null {
  if (result?.body == null) return null;
  return result.body.length > EXCERPT_CHARS ? `${result.body.slice(0, EXCERPT_CHARS)}…` : result.body;
}
