import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The console's build output, `dist/console` (`npm run build`). `src/` and `dist/` sit at
 * the same depth, so the same relative path works for the built server and for tests run
 * from the sources.
 */
export const CONSOLE_BUILD_DIR = fileURLToPath(new URL('../../../../dist/console/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

export interface ConsoleFile {
  contentType: string;
  body: Buffer;
  /** Named after its content hash by the build: cacheable for good. */
  immutable: boolean;
}

/** Hashed names from the console build, e.g. `app-5XK2QZ7L.js`. */
const HASHED = /-[A-Z0-9]{8}\.[a-z0-9]+$/;

/**
 * The console's static files, read once (a few hundred KB): `index.html` and the assets it
 * names. Nothing is looked up on disk per request, so no request path can reach a file
 * outside the build.
 */
export class ConsoleFiles {
  readonly index: ConsoleFile | null;
  private readonly assets = new Map<string, ConsoleFile>();

  constructor(dir: string = CONSOLE_BUILD_DIR) {
    const indexPath = join(dir, 'index.html');
    this.index = existsSync(indexPath) ? { contentType: CONTENT_TYPES['.html']!, body: readFileSync(indexPath), immutable: false } : null;
    const assetsDir = join(dir, 'assets');
    if (!existsSync(assetsDir)) return;
    for (const name of readdirSync(assetsDir)) {
      const contentType = CONTENT_TYPES[extname(name)];
      if (contentType) this.assets.set(name, { contentType, body: readFileSync(join(assetsDir, name)), immutable: HASHED.test(name) });
    }
  }

  /** An asset by its file name under `/console/`; undefined for any other name. */
  asset(name: string): ConsoleFile | undefined {
    return this.assets.get(name);
  }
}
