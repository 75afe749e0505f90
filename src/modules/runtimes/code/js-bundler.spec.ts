import { describe, expect, it } from 'vitest';
import { ValidationError } from '@/kernel/errors/domain-error.js';
import { bundleJavaScript, resolveModuleFile } from './js-bundler.js';

const folder = (files: Record<string, string>) => new Map(Object.entries(files).map(([path, text]) => [path, Buffer.from(text)]));

/** Runs a CommonJS bundle with a `require` that only knows the given packages. */
function run(bundle: string, packages: Record<string, unknown> = {}): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  const require = (name: string) => {
    if (name in packages) return packages[name];
    throw new Error(`unexpected require(${name})`);
  };
  new Function('module', 'exports', 'require', bundle)(module, module.exports, require);
  return module.exports;
}

describe('bundleJavaScript', () => {
  it('bundles TypeScript and JavaScript siblings and JSON from the entry module, leaving packages to require', async () => {
    const files = folder({
      'src/app.ts':
        "import { greet } from './lib/greet';\nimport config from '../config.json';\nimport pad from 'left-pad';\nexport const handler = () => pad(greet(config.name), 1);",
      'src/lib/greet.js': "const { suffix } = require('./suffix');\nexports.greet = (name) => `hello ${name}${suffix}`;",
      'src/lib/suffix/index.ts': "export const suffix = '!';",
      'config.json': '{ "name": "world" }',
    });
    const bundle = await bundleJavaScript(files, 'src/app.ts');
    const exported = run(bundle, { 'left-pad': (text: string) => `[${text}]` });
    expect((exported.handler as () => string)()).toBe('[hello world!]');
  });

  it('never reads outside the archive: absolute imports, climbing out of the folder and missing files fail the bundle', async () => {
    for (const [importer, message] of [
      ["require('/etc/passwd')", /Absolute imports are not allowed/],
      ["require('../../../../../../etc/hostname')", /outside the function's folder|no such file in the archive/],
      ["require('./missing')", /Could not resolve "\.\/missing": no such file in the archive/],
    ] as const) {
      const error = await bundleJavaScript(folder({ 'index.js': importer }), 'index.js').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).message).toMatch(message);
      expect((error as ValidationError).details[0]).toMatchObject({ field: 'code' });
    }
  });

  it('reports syntax errors with the file and line', async () => {
    const error = (await bundleJavaScript(folder({ 'index.js': "require('./b')", 'b.ts': 'const = 1;' }), 'index.js').catch(
      (e: unknown) => e,
    )) as ValidationError;
    expect(error.message).toMatch(/^The code does not bundle: b\.ts:1:7: /);
  });
});

describe('resolveModuleFile', () => {
  it("finds a module path's file as Node and TypeScript would", () => {
    const files = folder({ 'src/app.ts': '', 'lib/index.js': '', 'data.txt': '' });
    expect(resolveModuleFile(files, 'src/app')).toBe('src/app.ts');
    expect(resolveModuleFile(files, 'lib')).toBe('lib/index.js');
    expect(resolveModuleFile(files, 'data')).toBeNull();
  });
});
