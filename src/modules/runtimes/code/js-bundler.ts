import { posix } from 'node:path';
import { build, type Loader, type Message, type Plugin } from 'esbuild';
import { ValidationError } from '@/kernel/errors/domain-error.js';
import type { CodeFiles } from './code-files.js';

/**
 * Files are served under a root no server has (`/.fngraph-archive/src/app.ts`), in
 * esbuild's `file` namespace: the source map then names them relative to the entry
 * module's folder, which Node resolves against `/function/<entry>` in stack traces
 * (`/function/src/lib/util.ts:3:9`). The plugin answers every resolve and load, and no
 * tsconfig.json is looked for, so nothing of the server's disk shapes the bundle.
 */
const NAMESPACE = 'file';
const ROOT = '/.fngraph-archive';
const LOADERS: Record<string, Loader> = {
  '.ts': 'ts',
  '.mts': 'ts',
  '.cts': 'ts',
  '.tsx': 'tsx',
  '.js': 'js',
  '.mjs': 'js',
  '.cjs': 'js',
  '.jsx': 'jsx',
  '.json': 'json',
};
/** What `require('./x')` tries, in Node's order with TypeScript's extensions added. */
const SUFFIXES = ['', '.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.jsx', '.json'];
const INDEX_SUFFIXES = SUFFIXES.slice(1).map((ext) => `/index${ext}`);

/** The file a module path names inside the folder (`src/app` → `src/app.ts`), or null. */
export function resolveModuleFile(files: CodeFiles, modulePath: string): string | null {
  for (const suffix of [...SUFFIXES, ...INDEX_SUFFIXES]) {
    const candidate = modulePath + suffix;
    if (files.has(candidate) && LOADERS[posix.extname(candidate)]) return candidate;
  }
  return null;
}

/**
 * Bundles a JavaScript/TypeScript folder from its entry module into one CommonJS file
 * for Node. Every file is read from the registered archive, never from the server's
 * disk: the plugin resolves relative imports inside the folder only, so no import can
 * pull a host file into the bundle. Package imports (`express`, `node:fs`,
 * `@google-cloud/functions-framework`) stay `require` calls, resolved in the sandbox
 * from the version's dependencies (or the shim's built-ins).
 */
export async function bundleJavaScript(files: CodeFiles, entryFile: string, target = 'node20'): Promise<string> {
  const folder: Plugin = {
    name: 'fngraph-code-folder',
    setup(plugin) {
      plugin.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return { path: `${ROOT}/${entryFile}`, namespace: NAMESPACE };
        if (args.path.startsWith('/')) return { errors: [{ text: `Absolute imports are not allowed: ${args.path}` }] };
        if (!args.path.startsWith('./') && !args.path.startsWith('../') && args.path !== '.' && args.path !== '..') {
          return { path: args.path, external: true };
        }
        const wanted = posix.normalize(posix.join(posix.dirname(args.importer), args.path)).replace(/\/$/, '');
        if (wanted !== ROOT && !wanted.startsWith(`${ROOT}/`)) return { errors: [{ text: `${args.path} is outside the function's folder` }] };
        const found = resolveModuleFile(files, wanted === ROOT ? 'index' : wanted.slice(ROOT.length + 1));
        if (found === null) return { errors: [{ text: `Could not resolve ${JSON.stringify(args.path)}: no such file in the archive` }] };
        return { path: `${ROOT}/${found}`, namespace: NAMESPACE };
      });
      plugin.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
        const file = args.path.slice(ROOT.length + 1);
        const loader = LOADERS[posix.extname(file)];
        if (!loader) return { errors: [{ text: `${file} cannot be imported (not JavaScript, TypeScript or JSON)` }] };
        return { contents: files.get(file), loader, resolveDir: posix.dirname(args.path) };
      });
    },
  };
  try {
    const result = await build({
      entryPoints: [entryFile],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'cjs',
      target,
      absWorkingDir: ROOT,
      // No tsconfig.json is looked up next to the (virtual) files on the server's disk.
      tsconfigRaw: '{}',
      outfile: posix.join(ROOT, posix.dirname(entryFile), 'bundle.js'),
      sourcemap: 'inline',
      sourcesContent: false,
      logLevel: 'silent',
      plugins: [folder],
    });
    return result.outputFiles[0]!.text;
  } catch (error) {
    const messages = (error as { errors?: Message[] }).errors ?? [];
    if (messages.length === 0) throw error;
    const describe = (m: Message) =>
      `${m.location ? `${m.location.file.replace(`${ROOT.slice(1)}/`, '')}:${m.location.line}:${m.location.column + 1}: ` : ''}${m.text}`;
    throw new ValidationError(
      `The code does not bundle: ${describe(messages[0]!)}`,
      messages.slice(0, 20).map((m) => ({ field: 'code', message: describe(m) })),
    );
  }
}
