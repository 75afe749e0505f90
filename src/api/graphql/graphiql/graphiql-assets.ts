import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { GRAPHIQL_START_SCRIPT } from './graphiql-start.script.js';

/** Where GraphiQL's files are served from (not under `/graphql`, which is GraphQL's). */
export const GRAPHIQL_ASSETS_PATH = '/graphiql';

const JAVASCRIPT = 'text/javascript; charset=utf-8';
const require = createRequire(import.meta.url);

/** A package's directory (React's `exports` do not list its UMD builds, its package.json is). */
function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/**
 * GraphiQL as installed with the server (graphiql's browser bundle, React and ReactDOM
 * 18 UMD builds) plus the script that starts it: no CDN, so it works offline and loads
 * nothing from elsewhere.
 */
const SOURCES: Record<string, { contentType: string; load: () => Buffer }> = {
  'react.production.min.js': { contentType: JAVASCRIPT, load: () => readFileSync(join(packageDir('react'), 'umd/react.production.min.js')) },
  'react-dom.production.min.js': { contentType: JAVASCRIPT, load: () => readFileSync(join(packageDir('react-dom'), 'umd/react-dom.production.min.js')) },
  'graphiql.min.js': { contentType: JAVASCRIPT, load: () => readFileSync(join(packageDir('graphiql'), 'graphiql.min.js')) },
  'graphiql.min.css': { contentType: 'text/css; charset=utf-8', load: () => readFileSync(join(packageDir('graphiql'), 'graphiql.min.css')) },
  'graphiql-start.js': { contentType: JAVASCRIPT, load: () => Buffer.from(GRAPHIQL_START_SCRIPT) },
};

export interface GraphiQLAsset {
  contentType: string;
  body: Buffer;
}

/** The files, read on first use (about 4 MB: only servers that show GraphiQL hold them). */
export class GraphiQLAssets {
  private readonly loaded = new Map<string, GraphiQLAsset>();

  /** The asset named by the last segment of `/graphiql/<name>`; undefined for any other name. */
  get(name: string): GraphiQLAsset | undefined {
    const source = Object.hasOwn(SOURCES, name) ? SOURCES[name] : undefined;
    if (!source) return undefined;
    let asset = this.loaded.get(name);
    if (!asset) {
      asset = { contentType: source.contentType, body: source.load() };
      this.loaded.set(name, asset);
    }
    return asset;
  }
}
