/** A host name with an optional port, nothing else (it goes into a header). */
const HOST = /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/;

/**
 * The Content-Security-Policy of the server's own browser pages (GraphiQL, the console): scripts only from this server (no inline script,
 * no eval), connections only back to it (HTTP and WebSocket), nothing framed, never
 * framed. Styles may be inline: GraphiQL's and CodeMirror's editors set style attributes and sheets.
 * `host` (the request's `Host`) names the WebSocket endpoint for browsers whose `'self'`
 * does not cover `ws:`.
 */
export function browserPagePolicy(host: string | undefined): string {
  const sockets = host !== undefined && HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self'${sockets}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
