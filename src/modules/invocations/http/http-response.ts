import type { Response } from 'express';
import type { InvocationRecord, InvocationStatus } from '../invocation.record.js';
import { HOP_BY_HOP_HEADERS } from './hop-by-hop.js';

export const INVOCATION_ID_HEADER = 'x-fngraph-invocation-id';

const FAILURE_STATUS: Partial<Record<InvocationStatus, number>> = {
  FAILED: 502,
  OOM_KILLED: 502,
  TIMED_OUT: 504,
  REJECTED: 429,
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

/**
 * Writes an invocation's outcome as the HTTP response: a `{statusCode, headers, body}`
 * result as such, any other result as JSON with 200, a failure as a JSON error.
 */
export function writeInvocationResponse(res: Response, invocation: InvocationRecord): void {
  res.setHeader(INVOCATION_ID_HEADER, invocation.id);
  const failure = FAILURE_STATUS[invocation.status];
  if (failure !== undefined) {
    res.status(failure).json({
      error: {
        code: `FUNCTION_${invocation.status}`,
        type: invocation.error?.type ?? 'Error',
        message: invocation.error?.message ?? 'The function failed',
      },
      invocationId: invocation.id,
    });
    return;
  }
  const value = invocation.response;
  if (!isHttpResult(value)) {
    res.status(200).json(value);
    return;
  }
  const invalid = setFunctionHeaders(res, value.headers ?? {});
  if (invalid) {
    res.status(502).json({ error: { code: 'FUNCTION_BAD_RESPONSE', message: invalid }, invocationId: invocation.id });
    return;
  }
  res.status(value.statusCode);
  const body = value.body;
  if (body === undefined || body === null) res.end();
  else if (typeof body === 'string') {
    // Never let a function's text default to HTML on the platform's origin.
    if (!res.hasHeader('content-type')) res.type(value.isBase64Encoded ? 'application/octet-stream' : 'text/plain');
    res.send(value.isBase64Encoded ? Buffer.from(body, 'base64') : body);
  }
  else res.json(body);
}

/** Returns a description of the first invalid header, or null. */
function setFunctionHeaders(res: Response, headers: Record<string, unknown>): string | null {
  for (const [name, value] of Object.entries(headers)) {
    if (HOP_BY_HOP_HEADERS.has(name.toLowerCase())) continue;
    const text = Array.isArray(value) ? value.map(String) : String(value);
    try {
      res.setHeader(name, text);
    } catch {
      return `The function returned an invalid header ${JSON.stringify(name)}`;
    }
  }
  return null;
}
