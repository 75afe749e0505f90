import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { GraphiQLAssets, GRAPHIQL_ASSETS_PATH } from './graphiql-assets.js';
import { browserPagePolicy } from '@/api/http/browser-page-policy.js';
import { GRAPHIQL_PAGE } from './graphiql-page.js';

/**
 * GraphiQL, served by the server itself (FNGRAPH_GRAPHIQL, never in production): the page
 * at `GET <graphqlPath>` for browsers (a request preferring HTML, without a `query`), its
 * files under `/graphiql/`. Everything else goes on to GraphQL.
 */
export function graphiql(graphqlPath: string): RequestHandler {
  const assets = new GraphiQLAssets();
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path === graphqlPath && req.query.query === undefined && req.accepts(['application/json', 'text/html']) === 'text/html') {
      res.set({
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': browserPagePolicy(req.headers.host),
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
      });
      res.send(GRAPHIQL_PAGE);
      return;
    }
    if (!req.path.startsWith(`${GRAPHIQL_ASSETS_PATH}/`)) return next();
    const asset = assets.get(req.path.slice(GRAPHIQL_ASSETS_PATH.length + 1));
    if (!asset) return next();
    res.set({ 'content-type': asset.contentType, 'x-content-type-options': 'nosniff', 'cache-control': 'public, max-age=3600' });
    res.send(asset.body);
  };
}
