import type { Request } from 'express';
import type { InvocationEvent } from '../invocation.record.js';
import { HOP_BY_HOP_HEADERS } from './hop-by-hop.js';

const TEXT_CONTENT = /^(text\/|application\/(json|[a-z.+-]*\+json|xml|[a-z.+-]*\+xml|x-www-form-urlencoded|javascript|graphql))/i;

/**
 * The function's view of an HTTP request. `path` is what follows the function's own
 * prefix (`/fn/<name>` or `/execute/<id>`), always starting with `/`.
 */
export function toInvocationEvent(req: Request, subPath: string | string[] | undefined): InvocationEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || HOP_BY_HOP_HEADERS.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URL(req.originalUrl, 'http://localhost').searchParams) {
    const existing = query[key];
    query[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const isText = TEXT_CONTENT.test(req.headers['content-type'] ?? 'text/plain') && isUtf8(raw);
  return {
    method: req.method,
    path: `/${(Array.isArray(subPath) ? subPath.join('/') : subPath) ?? ''}`,
    headers,
    query,
    body: raw.length === 0 ? null : isText ? raw.toString('utf8') : raw.toString('base64'),
    isBase64Encoded: raw.length > 0 && !isText,
  };
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
