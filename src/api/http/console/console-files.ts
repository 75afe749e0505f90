import { readdirSync, readFileSync, statSync } from 'node:fs';
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

/** Hashed names from the console build, e.g. `console-5XK2QZ7L.js`. */
const HASHED = /-[A-Z0-9]{8}\.[a-z0-9]+$/;

interface Build {
  /** When index.html was written: a new build (`npm run console:watch`) is read on the next page load. */
  writtenAt: number;
  index: ConsoleFile;
  assets: Map<string, ConsoleFile>;
}

/**
 * The console's static files, held in memory (a few hundred KB): `index.html` and the
 * assets it names. Nothing is looked up on disk by request path, so no path can reach a
 * file outside the build.
 */
export class ConsoleFiles {
  private build: Build | null = null;

  constructor(private readonly dir: string = CONSOLE_BUILD_DIR) {}

  /** The page, from the latest build; null when the console was not built. */
  index(): ConsoleFile | null {
    const writtenAt = this.indexWrittenAt();
    if (writtenAt === null) return null;
    if (this.build?.writtenAt !== writtenAt) {
      try {
        this.build = this.read(writtenAt);
      } catch {
        // A build being written (console:watch): the last complete one until it is done.
      }
    }
    return this.build?.index ?? null;
  }

  /** An asset of the build the last page came from, by its file name under `/console/`. */
  asset(name: string): ConsoleFile | undefined {
    if (!this.build) this.index();
    return this.build?.assets.get(name);
  }

  private indexWrittenAt(): number | null {
    try {
      return statSync(join(this.dir, 'index.html')).mtimeMs;
    } catch {
      return null;
    }
  }

  private read(writtenAt: number): Build {
    const assetsDir = join(this.dir, 'assets');
    const assets = new Map<string, ConsoleFile>();
    for (const name of readdirSync(assetsDir)) {
      const contentType = CONTENT_TYPES[extname(name)];
      if (contentType) assets.set(name, { contentType, body: readFileSync(join(assetsDir, name)), immutable: HASHED.test(name) });
    }
    const index = { contentType: CONTENT_TYPES['.html']!, body: readFileSync(join(this.dir, 'index.html')), immutable: false };
    return { writtenAt, index, assets };
  }
}
