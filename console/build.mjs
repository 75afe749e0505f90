// Builds the web console into dist/console: one bundle of scripts and one of styles,
// named after their content hash, and the index.html that loads them. Run by
// `npm run build`; the server serves the result at `/` (src/api/http/console).
//   node console/build.mjs [--watch]
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, '../dist/console');
const watch = process.argv.includes('--watch');

/** index.html from the template, naming this build's files (no inline script: the page's CSP forbids it). */
const writeIndex = {
  name: 'write-index',
  setup(build) {
    build.onEnd((result) => {
      if (result.errors.length > 0) return;
      const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
      const script = outputs.find((file) => file.endsWith('.js'));
      const styles = outputs.find((file) => file.endsWith('.css'));
      const html = readFileSync(join(here, 'index.html'), 'utf8').replace('%SCRIPT%', `/console/${script}`).replace('%STYLES%', `/console/${styles}`);
      writeFileSync(join(outdir, 'index.html'), html);
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
mkdirSync(join(outdir, 'assets'), { recursive: true });
const options = {
  entryPoints: { console: join(here, 'src/main.tsx') },
  outdir: join(outdir, 'assets'),
  entryNames: '[name]-[hash]',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome120', 'firefox121', 'safari17'],
  jsx: 'automatic',
  minify: !watch,
  sourcemap: watch ? 'inline' : false,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': JSON.stringify(watch ? 'development' : 'production') },
  // The typed SDK from its sources: the console is built without building the SDK package first.
  alias: { '@fngraph/sdk': join(here, '../sdk/typescript/client.ts') },
  plugins: [writeIndex],
};
if (watch) {
  await (await esbuild.context(options)).watch();
} else {
  await esbuild.build(options);
}
