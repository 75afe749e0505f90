import type { ServerResponse } from 'node:http';
import type { PresentedError } from '@/kernel/errors/error-presenter.js';
import type { ResponseSink } from '@/modules/executor/execution.types.js';
import { statusCodeOf, toHttpResult } from '@/modules/executor/http-result.js';
import { FINAL_STATUSES, type InvocationRecord, type InvocationStatus } from '@/modules/invocations/invocation.record.js';
import { CONTRACT_VIOLATION_ERROR_TYPE } from '@/modules/invocations/output-contract.js';
import { HOP_BY_HOP_HEADERS } from './hop-by-hop.js';
import { containResponse, functionMaySet, type ServingOrigin } from './serving-origin.js';

export const INVOCATION_ID_HEADER = 'x-fngraph-invocation-id';
/** The version that ran (or will run) the call: what an alias chose, or the latest. */
export const VERSION_HEADER = 'x-fngraph-version';
/** The alias that routed the call, when one did. */
export const ALIAS_HEADER = 'x-fngraph-alias';
/** The platform's headers on a function's response: kept when the function's own are taken back. */
const INVOCATION_HEADERS = new Set([INVOCATION_ID_HEADER, VERSION_HEADER, ALIAS_HEADER, 'x-request-id']);

const JSON_TYPE = 'application/json; charset=utf-8';

const FAILURE_STATUS: Partial<Record<InvocationStatus, number>> = {
  FAILED: 502,
  OOM_KILLED: 502,
  TIMED_OUT: 504,
  REJECTED: 429,
  DEAD_LETTERED: 502,
};

export interface InvocationResponseOptions {
  /** Which headers of the function's go out (see `functionMaySet`). */
  origin: ServingOrigin;
  /** Base URL of the management API, where a queued invocation is followed ('' for a path on this origin). */
  apiBaseUrl: string;
}

/**
 * Writes an invocation's outcome as the HTTP response, in one `writeHead` + `end`: its result
 * as the response it means (`toHttpResult`: a `{statusCode, headers, body}` result as such,
 * minus the headers the origin does not allow a function; a string as text; anything else as
 * JSON with 200), a failure as a JSON error (its `error` as the caller may see it: see
 * `errorSeenBy`). A response the function streamed (`streamingSink`) is only ended: cleanly
 * when the invocation succeeded, cut off (the client sees an incomplete body) when it failed.
 */
export function writeInvocationResponse(res: ServerResponse, invocation: InvocationRecord, options: InvocationResponseOptions): void {
  if (res.headersSent) {
    if (invocation.status === 'SUCCEEDED') res.end();
    else res.destroy();
    return;
  }
  setInvocationHeaders(res, invocation);
  if (!FINAL_STATUSES.has(invocation.status)) {
    // Queued (or still running, for a re-sent idempotency key): where to follow it.
    res.setHeader('location', `${options.apiBaseUrl}/invocations/${invocation.id}`);
    sendJson(res, 202, { invocationId: invocation.id, status: invocation.status });
    return;
  }
  const failure = FAILURE_STATUS[invocation.status];
  if (failure !== undefined) {
    const error = {
      // The function answered, but not as its version's contract promised (`outputMode: refuse`).
      code: invocation.error?.type === CONTRACT_VIOLATION_ERROR_TYPE ? 'OUTPUT_CONTRACT_VIOLATION' : `FUNCTION_${invocation.status}`,
      type: invocation.error?.type ?? 'Error',
      message: invocation.error?.message ?? 'The function failed',
    };
    sendJson(res, failure, { error, invocationId: invocation.id });
    return;
  }
  const result = toHttpResult(invocation.response);
  const invalid = setFunctionHeaders(res, result.headers, options.origin);
  if (invalid) {
    refuseFunctionHeaders(res, options.origin);
    sendJson(res, 502, { error: { code: 'FUNCTION_BAD_RESPONSE', message: invalid }, invocationId: invocation.id });
    return;
  }
  if (result.body === null) {
    res.writeHead(result.statusCode).end();
    return;
  }
  const bytes = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body);
  // Never let a function's text default to HTML on the platform's origin.
  if (!res.hasHeader('content-type')) res.setHeader('content-type', result.isBase64Encoded ? 'application/octet-stream' : 'text/plain; charset=utf-8');
  res.writeHead(result.statusCode, { 'content-length': bytes.length }).end(bytes);
}

/** A slow client makes a streamed response wait in memory: past this much, the response is cut off. */
const MAX_BUFFERED_STREAM_BYTES = 16 * 1024 * 1024;

/**
 * Sends a response the function streams as it is produced (chunked), under the same header
 * rules as a whole one. A head with a header the function may not send is not sent: the
 * invocation's end then answers 502 as for a whole response.
 */
export function streamingSink(res: ServerResponse, invocation: Pick<InvocationRecord, 'id' | 'version' | 'alias'>, origin: ServingOrigin): ResponseSink {
  let refused = false;
  return {
    start(head) {
      if (res.headersSent || refused) return;
      setInvocationHeaders(res, invocation);
      const headers = Object.fromEntries(Object.entries(head.headers).filter(([name]) => name.toLowerCase() !== 'content-length'));
      const invalid = setFunctionHeaders(res, headers, origin);
      const status = statusCodeOf(head);
      if (invalid || status === null) {
        refused = true;
        refuseFunctionHeaders(res, origin);
        return;
      }
      if (!res.hasHeader('content-type')) res.setHeader('content-type', 'application/octet-stream');
      res.writeHead(status);
      res.flushHeaders();
    },
    write(chunk) {
      if (refused || !res.headersSent || res.destroyed) return;
      if (res.writableLength > MAX_BUFFERED_STREAM_BYTES) {
        res.destroy();
        return;
      }
      res.write(chunk);
    },
  };
}

/** Takes back every header of the function's (for an error response instead). */
function refuseFunctionHeaders(res: ServerResponse, origin: ServingOrigin): void {
  for (const name of res.getHeaderNames()) if (!INVOCATION_HEADERS.has(name)) res.removeHeader(name);
  containResponse(res, origin);
}

/** Which invocation answers, and which version (and alias) it ran: functions cannot set these (`functionMaySet`). */
function setInvocationHeaders(res: ServerResponse, invocation: Pick<InvocationRecord, 'id' | 'version' | 'alias'>): void {
  res.setHeader(INVOCATION_ID_HEADER, invocation.id);
  res.setHeader(VERSION_HEADER, invocation.version);
  if (invocation.alias !== null) res.setHeader(ALIAS_HEADER, invocation.alias);
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
function setFunctionHeaders(res: ServerResponse, headers: Record<string, string | string[]>, origin: ServingOrigin): string | null {
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
