import type { IncomingMessage } from 'node:http';
import type { InvocationEvent } from '@/modules/executor/execution.types.js';
import type { FunctionRoute } from './function-route.js';
import { HOP_BY_HOP_HEADERS } from './hop-by-hop.js';

const TEXT_CONTENT = /^(text\/|application\/(json|[a-z.+-]*\+json|xml|[a-z.+-]*\+xml|x-www-form-urlencoded|javascript|graphql))/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The function's view of an HTTP request (DESIGN.md: the event of the function contract). */
export function toInvocationEvent(req: IncomingMessage, route: FunctionRoute, body: Buffer, sourceIp: string | null = null): InvocationEvent {
  const headers: Record<string, string> = {};
  for (const name in req.headers) {
    const value = req.headers[name];
    if (value === undefined || HOP_BY_HOP_HEADERS.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const query: Record<string, string | string[]> = {};
  if (route.search !== '') {
    for (const [key, value] of new URLSearchParams(route.search)) {
      const existing = query[key];
      query[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
  }
  const caller = sourceIp === null ? {} : { sourceIp };
  if (body.length === 0) return { method: req.method ?? 'GET', path: route.path, headers, query, body: null, isBase64Encoded: false, ...caller };
  const text = TEXT_CONTENT.test(req.headers['content-type'] ?? 'text/plain') ? decodeUtf8(body) : null;
  return {
    method: req.method ?? 'GET',
    path: route.path,
    headers,
    query,
    body: text ?? body.toString('base64'),
    isBase64Encoded: text === null,
    ...caller,
  };
}

function decodeUtf8(bytes: Buffer): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}
