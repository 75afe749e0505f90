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
