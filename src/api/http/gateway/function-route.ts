import type { FunctionRef } from '@/modules/invocations/function-lookup.service.js';

/** A request for a function endpoint, as read from its URL. */
export interface FunctionRoute {
  ref: FunctionRef;
  /** Pinned by `/fn/<name>@<version>`; the latest otherwise. */
  version: string | undefined;
  /** What follows the function's own prefix, always starting with `/`. */
  path: string;
  /** The query string without its `?` ('' when none). */
  search: string;
}

const PREFIX = /^\/(execute|fn)(?:\/|$)/;

/** Whether a URL is for a function endpoint at all (`/execute/...` or `/fn/...`). */
export function isFunctionUrl(url: string): boolean {
  return PREFIX.test(url);
}

/**
 * `/execute/<id>[/<path>]` and `/fn/<name>[@<version>][/<path>]`, each segment
 * percent-decoded; null when the URL names no function (e.g. `/fn/`) or cannot be decoded.
 */
export function parseFunctionRoute(url: string): FunctionRoute | null {
  const queryAt = url.indexOf('?');
  const pathname = queryAt === -1 ? url : url.slice(0, queryAt);
  const search = queryAt === -1 ? '' : url.slice(queryAt + 1);
  const match = PREFIX.exec(pathname);
  if (!match) return null;
  const rest = pathname.slice(match[0].length);
  const slash = rest.indexOf('/');
  const target = decode(slash === -1 ? rest : rest.slice(0, slash));
  const path = slash === -1 ? '/' : decodePath(rest.slice(slash));
  if (!target || path === null) return null;
  if (match[1] === 'execute') return { ref: { functionId: target }, version: undefined, path, search };
  const at = target.indexOf('@');
  const name = at === -1 ? target : target.slice(0, at);
  const version = at === -1 ? undefined : target.slice(at + 1);
  if (!name || version === '') return null;
  return { ref: { name }, version, path, search };
}

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function decodePath(path: string): string | null {
  const segments = path.split('/').map(decode);
  return segments.includes(null) ? null : segments.join('/');
}
