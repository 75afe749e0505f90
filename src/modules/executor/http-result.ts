/**
 * What a function's result means as an HTTP response: the one set of rules for every
 * runtime and handler style (the shims turn a Web `Response`, an Express `res` or an
 * OpenFaaS `context.status()` into this shape first).
 *
 * An object with a `statusCode` (a whole number from 100 to 599, or such a number written
 * as a string: `"201"`) is a response: its `headers`, Lambda's `multiValueHeaders` (which
 * win over `headers` for the same name, as API Gateway merges them) and `cookies` (each a
 * `Set-Cookie`), its `body` (a string, bytes in base64 with `isBase64Encoded`, or anything
 * else sent as JSON). Any other result is not: the caller decides (`plainResult`).
 */
export interface HttpResult {
  statusCode: number;
  /** Lower-case names; several values of one header as an array (`set-cookie`). */
  headers: Record<string, string | string[]>;
  /** Text, or base64 when `isBase64Encoded`; null for no body. */
  body: string | null;
  isBase64Encoded: boolean;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';

/** The status of a result, when it has a valid one. */
export function statusCodeOf(value: unknown): number | null {
  if (typeof value !== 'object' || value === null || !('statusCode' in value)) return null;
  const given = (value as { statusCode: unknown }).statusCode;
  const status = typeof given === 'string' && /^\d{3}$/.test(given.trim()) ? Number(given.trim()) : given;
  return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599 ? status : null;
}

/** The response a result describes, or null when it is not one (see the rules above). */
export function asHttpResult(value: unknown): HttpResult | null {
  const statusCode = statusCodeOf(value);
  if (statusCode === null) return null;
  const result = value as { headers?: unknown; multiValueHeaders?: unknown; cookies?: unknown; body?: unknown; isBase64Encoded?: unknown };
  const headers = mergedHeaders(result.headers, result.multiValueHeaders, result.cookies);
  const isBase64Encoded = result.isBase64Encoded === true;
  const body = result.body;
  if (body === undefined || body === null) return { statusCode, headers, body: null, isBase64Encoded: false };
  if (typeof body === 'string') return { statusCode, headers, body, isBase64Encoded };
  headers['content-type'] ??= JSON_TYPE;
  return { statusCode, headers, body: JSON.stringify(body) ?? null, isBase64Encoded: false };
}

/**
 * A result that is not a response, as one: a string is text (never JSON-quoted), anything
 * else JSON, with 200.
 */
export function plainResult(value: unknown): HttpResult {
  if (typeof value === 'string') return { statusCode: 200, headers: { 'content-type': TEXT_TYPE }, body: value, isBase64Encoded: false };
  return { statusCode: 200, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(value ?? null) ?? 'null', isBase64Encoded: false };
}

/** Any result as the response it means. */
export function toHttpResult(value: unknown): HttpResult {
  return asHttpResult(value) ?? plainResult(value);
}

function mergedHeaders(headers: unknown, multiValueHeaders: unknown, cookies: unknown): Record<string, string | string[]> {
  const merged: Record<string, string | string[]> = {};
  if (isRecord(headers)) {
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined || value === null) continue;
      merged[name.toLowerCase()] = Array.isArray(value) ? value.map(String) : String(value);
    }
  }
  if (isRecord(multiValueHeaders)) {
    for (const [name, values] of Object.entries(multiValueHeaders)) {
      if (values === undefined || values === null) continue;
      merged[name.toLowerCase()] = (Array.isArray(values) ? values : [values]).map(String);
    }
  }
  if (Array.isArray(cookies) && cookies.length > 0) {
    const existing = merged['set-cookie'];
    merged['set-cookie'] = [...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]), ...cookies.map(String)];
  }
  return merged;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
