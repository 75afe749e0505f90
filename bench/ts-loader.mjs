// Node.js module hooks that run the project's TypeScript sources directly, compiled
// with SWC like the tests are (Nest needs decorator metadata, which esbuild-based
// runners lack), with the `@/` alias. Used by the bench scripts:
//   node --import ./bench/register-ts.mjs bench/<script>.ts
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from '@swc/core';

const SRC = new URL('../src/', import.meta.url);

export async function resolve(specifier, context, next) {
  const mapped = specifier.startsWith('@/') ? new URL(specifier.slice(2), SRC).href : specifier;
  try {
    return await next(mapped, context);
  } catch (error) {
    // Sources import each other as `.js`; on disk they are `.ts`.
    const relative = mapped.startsWith('.') || mapped.startsWith('file:');
    if (relative && mapped.endsWith('.js')) return next(`${mapped.slice(0, -3)}.ts`, context);
    throw error;
  }
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const filename = fileURLToPath(url);
  const { code } = await transform(await readFile(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    module: { type: 'es6' },
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
    },
  });
  return { format: 'module', source: code, shortCircuit: true };
}
