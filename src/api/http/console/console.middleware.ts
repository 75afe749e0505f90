import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { browserPagePolicy } from '@/api/http/browser-page-policy.js';
import { ConsoleFiles } from './console-files.js';

/** Where the console's scripts and styles are served from; the page itself is `/`. */
export const CONSOLE_ASSETS_PATH = '/console';

const GRAPHIQL_TAG = /\s*<meta name="fngraph-graphiql"[^>]*>/;

/**
 * The web console (FNGRAPH_CONSOLE): its page at `GET /` (routes live in the URL's
 * fragment, so no other path is the console's) and its built files under `/console/`.
 * The console is a client of the public GraphQL API like any other: it gets no access
 * the API does not give its user.
 */
export function webConsole(options: { graphiql: boolean }, files: ConsoleFiles = new ConsoleFiles()): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    // Without a build (a server run from source) `/` stays the API's JSON 404.
    const index = req.path === '/' ? files.index() : null;
    if (index) {
      res.set({
        'content-type': index.contentType,
        'content-security-policy': browserPagePolicy(req.headers.host),
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-cache',
      });
      // The page links to GraphiQL through this tag; where GraphiQL is off (production) the link goes with it.
      res.send(options.graphiql ? index.body : index.body.toString().replace(GRAPHIQL_TAG, ''));
      return;
    }
    if (!req.path.startsWith(`${CONSOLE_ASSETS_PATH}/`)) return next();
    const asset = files.asset(req.path.slice(CONSOLE_ASSETS_PATH.length + 1));
    if (!asset) return next();
    res.set({
      'content-type': asset.contentType,
      'x-content-type-options': 'nosniff',
      'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    res.send(asset.body);
  };
}
