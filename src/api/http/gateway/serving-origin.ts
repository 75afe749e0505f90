import type { ServerResponse } from 'node:http';

/**
 * Where a function's response is served: `api`, the management API's own origin (where
 * GraphiQL runs and credentials are typed), or `functions`, an origin of their own
 * (`FNGRAPH_FUNCTIONS_PORT`) that holds nothing of the API's.
 */
export type ServingOrigin = 'api' | 'functions';

/** The platform's own headers: a function can never set or overwrite them, on either origin. */
const PLATFORM_OWNED = /^(?:x-fngraph-.*|x-request-id|traceparent|tracestate|x-content-type-options)$/;

/**
 * Headers whose effect reaches past the one response to the whole origin: its cookies and
 * storage, who may read it from other sites, how it is reached, where its errors are
 * reported. Dropped on the API's origin; a function's own origin may have them.
 */
const ORIGIN_WIDE =
  /^(?:set-cookie2?|access-control-.*|timing-allow-origin|clear-site-data|service-worker-allowed|strict-transport-security|alt-svc|nel|report-to|reporting-endpoints|accept-ch|critical-ch|origin-agent-cluster)$/;

/** Whether a header a function returned goes out (`name` in lower case). */
export function functionMaySet(name: string, origin: ServingOrigin): boolean {
  if (PLATFORM_OWNED.test(name)) return false;
  return origin === 'functions' || !ORIGIN_WIDE.test(name);
}

/**
 * On every gateway response, before anything of the function's: never MIME-sniffed, and
 * on the API's origin an opaque-origin sandbox (`Content-Security-Policy: sandbox`), so
 * HTML a function returns runs no script and reaches none of the origin's storage. A
 * policy the function adds is enforced beside it, never instead.
 */
export function containResponse(res: ServerResponse, origin: ServingOrigin): void {
  res.setHeader('x-content-type-options', 'nosniff');
  if (origin === 'api') res.setHeader('content-security-policy', 'sandbox');
}
