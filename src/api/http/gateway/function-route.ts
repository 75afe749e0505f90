import type { FunctionRef } from '@/modules/invocations/function-lookup.service.js';
import { isVersionTarget } from '@/modules/aliases/alias-rules.js';

/** A request for a function endpoint, as read from its URL. */
export interface FunctionRoute {
  ref: FunctionRef;
  /** Pinned by `/fn/<name>@<version>` (a semver target); undefined otherwise. */
  version: string | undefined;
  /** Named by `/fn/<name>@<alias>` (any target that is not a version, nor `latest`). */
  alias: string | undefined;
  /** `/fn/<name>` with no target: the function's `default` alias when it has one, else its latest version. */
  followDefaultAlias: boolean;
  /** What follows the function's own prefix, always starting with `/`. */
  path: string;
  /** The query string without its `?` ('' when none). */
  search: string;
}

/** `/fn/<name>@latest`: the latest version, whatever the `default` alias says. */
const LATEST = 'latest';

const PREFIX = /^\/(execute|fn)(?:\/|$)/;

/** Whether a URL is for a function endpoint at all (`/execute/...` or `/fn/...`). */
export function isFunctionUrl(url: string): boolean {
  return PREFIX.test(url);
}

/**
 * `/execute/<id>[/<path>]` and `/fn/<name>[@<target>][/<path>]`, each segment
 * percent-decoded; null when the URL names no function (e.g. `/fn/`) or cannot be decoded.
 * A target is a version when it is semver, the latest version when it is `latest`, and an
 * alias otherwise. `/execute/<id>` always runs the latest version, as it did before aliases.
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
  if (match[1] === 'execute') return { ref: { functionId: target }, version: undefined, alias: undefined, followDefaultAlias: false, path, search };
  const at = target.indexOf('@');
  const name = at === -1 ? target : target.slice(0, at);
  const pinned = at === -1 ? undefined : target.slice(at + 1);
  if (!name || pinned === '') return null;
  if (pinned === undefined) return { ref: { name }, version: undefined, alias: undefined, followDefaultAlias: true, path, search };
  if (pinned === LATEST) return { ref: { name }, version: undefined, alias: undefined, followDefaultAlias: false, path, search };
  const version = isVersionTarget(pinned) ? pinned : undefined;
  return { ref: { name }, version, alias: version === undefined ? pinned : undefined, followDefaultAlias: false, path, search };
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
