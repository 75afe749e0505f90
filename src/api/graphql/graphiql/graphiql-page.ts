import { GRAPHIQL_ASSETS_PATH } from './graphiql-assets.js';

const asset = (name: string) => `${GRAPHIQL_ASSETS_PATH}/${name}`;

/** The page: GraphiQL's files from this server, no inline script (see `graphiqlPolicy`). */
export const GRAPHIQL_PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>fngraph · GraphiQL</title>
    <link rel="stylesheet" href="${asset('graphiql.min.css')}" />
    <style>body { margin: 0; } #graphiql { height: 100vh; }</style>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL… (most operations need an API key: the Headers tab takes it; it is never stored)</div>
    <script src="${asset('react.production.min.js')}"></script>
    <script src="${asset('react-dom.production.min.js')}"></script>
    <script src="${asset('graphiql.min.js')}"></script>
    <script src="${asset('graphiql-start.js')}"></script>
  </body>
</html>
`;

/** A host name with an optional port, nothing else (it goes into a header). */
const HOST = /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/;

/**
 * The page's Content-Security-Policy: scripts only from this server (no inline script,
 * no eval), connections only back to it (HTTP and WebSocket), nothing framed, never
 * framed. Styles may be inline: GraphiQL's editors set style attributes.
 * `host` (the request's `Host`) names the WebSocket endpoint for browsers whose `'self'`
 * does not cover `ws:`.
 */
export function graphiqlPolicy(host: string | undefined): string {
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
