import type { ServerResponse } from 'node:http';
import type { PresentedError } from '@/kernel/errors/error-presenter.js';
import { FINAL_STATUSES, type InvocationRecord, type InvocationStatus } from '@/modules/invocations/invocation.record.js';
import { HOP_BY_HOP_HEADERS } from './hop-by-hop.js';
import { containResponse, functionMaySet, type ServingOrigin } from './serving-origin.js';

export const INVOCATION_ID_HEADER = 'x-fngraph-invocation-id';

const JSON_TYPE = 'application/json; charset=utf-8';

const FAILURE_STATUS: Partial<Record<InvocationStatus, number>> = {
  FAILED: 502,
  OOM_KILLED: 502,
  TIMED_OUT: 504,
  REJECTED: 429,
  DEAD_LETTERED: 502,
};

interface HttpResult {
  statusCode: number;
  headers?: Record<string, unknown>;
  body?: unknown;
  isBase64Encoded?: boolean;
}

function isHttpResult(value: unknown): value is HttpResult {
  return (
    typeof value === 'object' &&
    value !== null &&
    Number.isInteger((value as HttpResult).statusCode) &&
    (value as HttpResult).statusCode >= 100 &&
    (value as HttpResult).statusCode <= 599
  );
}

export interface InvocationResponseOptions {
  /** Which headers of the function's go out (see `functionMaySet`). */
  origin: ServingOrigin;
  /** Base URL of the management API, where a queued invocation is followed ('' for a path on this origin). */
  apiBaseUrl: string;
}

/**
 * Writes an invocation's outcome as the HTTP response, in one `writeHead` + `end`: a
 * `{statusCode, headers, body}` result as such (minus the headers the origin does not
 * allow a function), any other result as JSON with 200, a failure as a JSON error (its
 * `error` as the caller may see it: see `errorSeenBy`).
 */
export function writeInvocationResponse(res: ServerResponse, invocation: InvocationRecord, options: InvocationResponseOptions): void {
  res.setHeader(INVOCATION_ID_HEADER, invocation.id);
  if (!FINAL_STATUSES.has(invocation.status)) {
    // Queued (or still running, for a re-sent idempotency key): where to follow it.
    res.setHeader('location', `${options.apiBaseUrl}/invocations/${invocation.id}`);
    sendJson(res, 202, { invocationId: invocation.id, status: invocation.status });
    return;
  }
  const failure = FAILURE_STATUS[invocation.status];
  if (failure !== undefined) {
    const error = {
      code: `FUNCTION_${invocation.status}`,
      type: invocation.error?.type ?? 'Error',
      message: invocation.error?.message ?? 'The function failed',
    };
    sendJson(res, failure, { error, invocationId: invocation.id });
    return;
  }
  const value = invocation.response;
  if (!isHttpResult(value)) {
    sendJson(res, 200, value ?? null);
    return;
  }
  const invalid = setFunctionHeaders(res, value.headers ?? {}, options.origin);
  if (invalid) {
    for (const name of res.getHeaderNames()) if (name !== INVOCATION_ID_HEADER && name !== 'x-request-id') res.removeHeader(name);
    containResponse(res, options.origin);
    sendJson(res, 502, { error: { code: 'FUNCTION_BAD_RESPONSE', message: invalid }, invocationId: invocation.id });
    return;
  }
  const body = value.body;
  if (body === undefined || body === null) {
    res.writeHead(value.statusCode).end();
  } else if (typeof body === 'string') {
    const bytes = value.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body);
    // Never let a function's text default to HTML on the platform's origin.
    if (!res.hasHeader('content-type')) res.setHeader('content-type', value.isBase64Encoded ? 'application/octet-stream' : 'text/plain; charset=utf-8');
    res.writeHead(value.statusCode, { 'content-length': bytes.length }).end(bytes);
  } else {
    sendJson(res, value.statusCode, body);
  }
}

/** A platform error (auth, limits, unknown function, bad request) as the REST error shape. */
export function writeErrorResponse(res: ServerResponse, error: PresentedError): void {
  if (error.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(Math.ceil(error.retryAfterSeconds)));
  if (error.status === 401) res.setHeader('www-authenticate', 'Bearer realm="fngraph"');
  const details = error.details.length > 0 ? { details: error.details } : {};
  sendJson(res, error.status, { error: { code: error.code, message: error.message, ...details } });
}

/** A JSON document the platform answers itself on a function's route (its OpenAPI document): per caller, never cached for another. */
export function writeDocumentResponse(res: ServerResponse, document: unknown): void {
  res.setHeader('cache-control', 'private, no-store');
  sendJson(res, 200, document);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const bytes = Buffer.from(JSON.stringify(value) ?? 'null');
  if (!res.hasHeader('content-type')) res.setHeader('content-type', JSON_TYPE);
  res.writeHead(status, { 'content-length': bytes.length }).end(bytes);
}

/** Sets the headers the origin allows a function; returns a description of the first invalid header, or null. */
function setFunctionHeaders(res: ServerResponse, headers: Record<string, unknown>, origin: ServingOrigin): string | null {
  for (const [name, value] of Object.entries(headers)) {
    const lowerCase = name.toLowerCase();
    if (HOP_BY_HOP_HEADERS.has(lowerCase) || !functionMaySet(lowerCase, origin)) continue;
    const text = Array.isArray(value) ? value.map(String) : String(value);
    try {
      // The platform's policy stays in force beside the function's (browsers enforce every one).
      if (lowerCase === 'content-security-policy' && res.hasHeader(lowerCase)) res.appendHeader(lowerCase, text);
      else res.setHeader(name, text);
    } catch {
      return `The function returned an invalid header ${JSON.stringify(name)}`;
    }
  }
  return null;
}
