import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutorKind } from '@/kernel/config/app-config.js';
import { type ArchiveEntry, makeTar, makeTgz, makeZip } from '../support/code-archives.js';
import { functionDocument, pythonDocument, registerDocument, registerRest, typescriptDocument, waitForBuild } from '../support/functions.js';
import { graphql, graphqlData } from '../support/graphql-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

type Format = 'zip' | 'tar' | 'tgz';
const PACK: Record<Format, (entries: ArchiveEntry[]) => Buffer> = { zip: makeZip, tar: makeTar, tgz: makeTgz };

function files(tree: Record<string, string>): ArchiveEntry[] {
  return Object.entries(tree).map(([name, content]) => ({ name, content }));
}

/** A registration document whose code is an archive of `tree`. */
function archiveDocument(
  make: typeof functionDocument,
  name: string,
  format: Format,
  tree: Record<string, string> | ArchiveEntry[],
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const archive = PACK[format](Array.isArray(tree) ? tree : files(tree));
  return make(name, '', { code: archive.toString('base64'), codeFormat: format, ...overrides });
}

async function call(url: string, name: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/fn/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  // A string result is sent as text (handler styles), anything else as JSON.
  const json = response.headers.get('content-type')?.includes('application/json');
  return { status: response.status, body: json ? await response.json() : await response.text() };
}

const VERSION_FIELDS = 'versions { version codeFormat handler codeHash buildStatus buildLog code }';

async function versionsOf(url: string, name: string): Promise<any[]> {
  return (await graphqlData(url, `query($name: String!) { functionByName(name: $name) { ${VERSION_FIELDS} } }`, { name })).functionByName.versions;
}

/**
 * Multi-file functions (archives) and entry points, through a real server on the given
 * executor: the sandbox must see the function's folder, read-only.
 */
export function bundlesSuite(kind: ExecutorKind, env: Record<string, string> = {}, options: { only?: 'mounts' } = {}): void {
  describe(`multi-file functions and entry points: ${kind} executor`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ FNGRAPH_EXECUTOR: kind, ...env });
    });
    afterAll(() => server?.close());

    it('runs a JavaScript zip whose index requires a sibling module, and reads a data file next to its entry module', async () => {
      const tree = {
        'index.js': [
          "const fs = require('node:fs');",
          "const path = require('node:path');",
          "const { shout } = require('./util');",
          "const greeting = fs.readFileSync(path.join(__dirname, 'greeting.txt'), 'utf8').trim();",
          'module.exports = async (event) => {',
          "  let writable = 'yes';",
          "  try { fs.writeFileSync(path.join(__dirname, 'new.txt'), 'x'); } catch (error) { writable = error.code; }",
          '  return { message: shout(greeting + " " + JSON.parse(event.body).name), writable };',
          '};',
        ].join('\n'),
        'util.js': "exports.shout = (text) => text.toUpperCase() + '!';",
        'greeting.txt': 'hello\n',
        'node_modules/ignored/index.js': 'throw new Error("never bundled")',
      };
      const registered = await registerDocument(server.url, archiveDocument(functionDocument, 'zip-js', 'zip', tree));
      expect(registered).toMatchObject({ codeFormat: 'zip', handler: null, buildStatus: 'READY' });
      // Laid out once under FNGRAPH_CODE_DIR, by the archive's hash, without node_modules/.
      const folder = join(server.config.codeDir, registered.codeHash);
      expect(readdirSync(folder).sort()).toEqual(['greeting.txt', 'index.js', 'util.js']);
      expect(statSync(join(folder, 'index.js')).mode & 0o777).toBe(0o644);
      const { status, body } = await call(server.url, 'zip-js', { name: 'world' });
      expect(status).toBe(200);
      expect(body.message).toBe('HELLO WORLD!');
      // The folder is mounted read-only (bubblewrap and Docker: EROFS; a plain process: the sandbox user may not write it).
      expect(['EROFS', 'EACCES']).toContain(body.writable);
    });

    it('runs a Python package: main.handle imports a sibling module and a subpackage, and reads a data file', async () => {
      const tree = {
        'main.py': [
          'import os',
          'from helpers import shout',
          'from pkg.mod import twice',
          '',
          "with open(os.path.join(os.path.dirname(__file__), 'data', 'greeting.txt')) as f:",
          '    GREETING = f.read().strip()',
          '',
          'def handle(event, context):',
          '    return {"message": shout(GREETING), "twice": twice(21), "module": __name__}',
        ].join('\n'),
        'helpers.py': 'def shout(text):\n    return text.upper() + "!"\n',
        'pkg/__init__.py': '',
        'pkg/mod.py': 'def twice(n):\n    return n * 2\n\ndef handle(event, context):\n    return {"from": __name__}\n',
        'data/greeting.txt': 'hello from python\n',
        '__pycache__/main.cpython-311.pyc': 'ignored',
      };
      const registered = await registerDocument(server.url, archiveDocument(pythonDocument, 'py-package', 'zip', tree, { handler: 'main.handle' }));
      expect(registered).toMatchObject({ codeFormat: 'zip', handler: 'main.handle', buildStatus: 'READY' });
      expect(await call(server.url, 'py-package')).toEqual({ status: 200, body: { message: 'HELLO FROM PYTHON!', twice: 42, module: 'main' } });

      // A module in a package, named with dots or with a slash.
      for (const handler of ['pkg.mod.handle', 'pkg/mod.handle']) {
        await registerDocument(server.url, archiveDocument(pythonDocument, 'py-subpackage', 'tgz', tree, { handler }));
        expect(await call(server.url, 'py-subpackage')).toEqual({ status: 200, body: { from: 'pkg.mod' } });
      }
    });

    it('fails a version whose entry point does not export what the handler names, with the reason in its build log', async () => {
      const tree = { 'src/app.js': 'exports.other = async () => 1;\nexports.config = { fetch: 1 };' };
      const registered = await registerDocument(server.url, archiveDocument(functionDocument, 'no-export', 'zip', tree, { handler: 'src/app.handler' }));
      expect(registered.buildStatus).toBe('FAILED');
      expect(registered.buildLog).toMatch(
        /The function does not load \(entry point src\/app\.handler\): TypeError: The module src\/app has no export "handler"/,
      );
      expect(registered.buildLog).toContain('the module exports: other, config');
      const { status, body } = await call(server.url, 'no-export');
      expect(status).toBe(409);
      expect(body.error.code).toBe('FUNCTION_NOT_READY');
      expect(body.error.message).toMatch(/see its buildLog/);

      // An export that is not a function; a Python module whose sibling import fails when it loads.
      const notFunction = await registerDocument(server.url, archiveDocument(functionDocument, 'no-export', 'zip', tree, { handler: 'src/app.config' }));
      expect(notFunction.buildStatus).toBe('FAILED');
      expect(notFunction.buildLog).toContain('has no export "config" to call (it is object, not a function)');
      const python = await registerDocument(
        server.url,
        archiveDocument(
          pythonDocument,
          'py-broken-import',
          'zip',
          { 'main.py': 'from missing_sibling import x\n\ndef handle(event, context):\n    return x\n' },
          { handler: 'main.handle' },
        ),
      );
      expect(python.buildStatus).toBe('FAILED');
      expect(python.buildLog).toMatch(/ModuleNotFoundError: No module named 'missing_sibling'/);
      // The traceback shows the function's line, not the import machinery's.
      expect(python.buildLog).toMatch(/main\.py", line 1/);
      expect(python.buildLog).not.toContain('importlib');

      // Once fixed, the next version is READY and serves.
      await registerDocument(
        server.url,
        archiveDocument(functionDocument, 'no-export', 'zip', { 'src/app.js': 'exports.handler = async () => "fixed";' }, { handler: 'src/app.handler' }),
      );
      expect(await call(server.url, 'no-export')).toEqual({ status: 200, body: 'fixed' });
    });

    if (options.only === 'mounts') return;

    it('bundles a TypeScript tgz from src/app.handler, importing a sibling file, and returns the archive as registered', async () => {
      const tree = {
        'src/app.ts': [
          "import { greet, type Greeting } from './greet';",
          "import defaults from '../config.json';",
          'export const handler = async (event: { body: string | null }): Promise<Greeting> => greet(JSON.parse(event.body ?? "{}").name ?? defaults.name);',
        ].join('\n'),
        'src/greet.ts':
          'export interface Greeting { text: string }\nexport function greet(name: string): Greeting {\n  if (name === "boom") throw new RangeError("no boom");\n  return { text: `hi ${name}` };\n}\n',
        'config.json': '{ "name": "nobody" }',
      };
      const archive = makeTgz(files(tree));
      const document = typescriptDocument('ts-project', '', { code: archive.toString('base64'), codeFormat: 'TGZ', handler: 'src/app.handler' });
      const registered = await registerDocument(server.url, document);
      expect(registered).toMatchObject({ codeFormat: 'tgz', handler: 'src/app.handler', buildStatus: 'READY' });
      expect(await call(server.url, 'ts-project', { name: 'ada' })).toEqual({ status: 200, body: { text: 'hi ada' } });
      expect(await call(server.url, 'ts-project')).toEqual({ status: 200, body: { text: 'hi nobody' } });
      // Stack traces point at the TypeScript files in the function's folder.
      const failed = await call(server.url, 'ts-project', { name: 'boom' });
      expect(failed.status).toBe(502);
      const { invocation } = await graphqlData(server.url, 'query($id: ID!) { invocation(id: $id) { error { stack } } }', { id: failed.body.invocationId });
      expect(invocation.error.stack).toContain('/function/src/greet.ts:3:');

      const [version] = await versionsOf(server.url, 'ts-project');
      expect(version).toMatchObject({ codeFormat: 'TGZ', handler: 'src/app.handler', buildStatus: 'READY' });
      expect(version.code).toBe(archive.toString('base64'));
      expect(version.codeHash).toBe((await import('node:crypto')).createHash('sha256').update(archive).digest('hex'));
    });

    it(
      'bundles a TypeScript zip that imports a registered npm package, and checks its export once the package is installed',
      { timeout: 300_000 },
      async () => {
        const tree = {
          'src/app.ts':
            "import isNumber from 'is-number';\nimport { label } from './label';\nexport const handler = async (event: { query: Record<string, string> }) => label(isNumber(event.query.value ?? ''));",
          'src/label.ts': "export const label = (numeric: boolean) => (numeric ? 'number' : 'text');",
        };
        const dependencies = { metadata: { dependencies: { 'is-number': '^7.0.0' }, permissions: { public: true } } };
        const registered = await registerDocument(
          server.url,
          archiveDocument(typescriptDocument, 'zip-with-package', 'zip', tree, { handler: 'src/app.handler', ...dependencies }),
        );
        expect(registered.buildStatus).toBe('BUILDING');
        const outcome = await waitForBuild(server.url, registered.id, registered.version);
        expect(outcome.buildStatus).toBe('READY');
        expect(outcome.buildLog).toMatch(/The function loads in a sandbox and exports its entry point$/);
        expect(await fetch(`${server.url}/fn/zip-with-package?value=42`).then((response) => response.text())).toBe('number');

        // The same package set, a handler the module does not export: FAILED after the (cached) install.
        const wrong = await registerDocument(
          server.url,
          archiveDocument(typescriptDocument, 'zip-with-package', 'zip', tree, { handler: 'src/app.main', ...dependencies }),
        );
        const failed = await waitForBuild(server.url, wrong.id, wrong.version);
        expect(failed.buildStatus).toBe('FAILED');
        expect(failed.buildLog).toContain('has no export "main" to call (it is not exported); the module exports: handler');
      },
    );

    it('names the export of a single source file (SAM-style index.lambdaHandler), over GraphQL too', async () => {
      const source = 'export const lambdaHandler = async () => ({ statusCode: 201, body: "made" });\nexport default () => "not me";';
      const { registerFunction } = await graphqlData(
        server.url,
        `mutation($input: RegisterFunctionInput!) { registerFunction(input: $input) { name latestVersion { handler codeFormat buildStatus } } }`,
        {
          input: {
            name: 'sam-style',
            language: 'javascript',
            code: Buffer.from(source).toString('base64'),
            codeFormat: 'SOURCE',
            handler: 'app.lambdaHandler',
            metadata: { permissions: { public: true } },
          },
        },
      );
      expect(registerFunction.latestVersion).toEqual({ handler: 'app.lambdaHandler', codeFormat: 'SOURCE', buildStatus: 'READY' });
      const response = await fetch(`${server.url}/fn/sam-style`);
      expect(response.status).toBe(201);

      // updateFunction keeps the code and changes only the entry point.
      const fn = (await graphqlData(server.url, '{ functionByName(name: "sam-style") { id } }')).functionByName;
      await graphqlData(
        server.url,
        'mutation($id: ID!, $input: UpdateFunctionInput!) { updateFunction(id: $id, input: $input) { latestVersion { handler } } }',
        {
          id: fn.id,
          input: { handler: 'app.default' },
        },
      );
      expect(await call(server.url, 'sam-style')).toEqual({ status: 200, body: 'not me' });

      // One Python file run as the module the handler names, parsed at registration for that function.
      await registerDocument(server.url, pythonDocument('py-named', 'def handle(event, context):\n    return __name__\n', { handler: 'main.handle' }));
      expect(await call(server.url, 'py-named')).toEqual({ status: 200, body: 'main' });
      const missing = await registerRest(server.url, pythonDocument('py-named', 'def handler(event, context):\n    return 1\n', { handler: 'main.handle' }));
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toBe('main.py must define a top-level function handle(event, context)');
    });

    it('fails a single JavaScript file that exports no function, which registered READY before', async () => {
      const registered = await registerDocument(server.url, functionDocument('js-no-function', 'export const answer = 42;'));
      expect(registered.buildStatus).toBe('FAILED');
      expect(registered.buildLog).toContain('The module must export a function');
    });

    it('runs a tar of JavaScript with the default entry point', async () => {
      const tree = { 'index.mjs': "import { n } from './lib/n.js';\nexport default async () => ({ n });", 'lib/n.js': 'export const n = 7;' };
      await registerDocument(server.url, archiveDocument(functionDocument, 'tar-js', 'tar', tree));
      expect(await call(server.url, 'tar-js')).toEqual({ status: 200, body: { n: 7 } });
    });

    it('refuses hostile and broken archives with 400 / BAD_USER_INPUT on code, storing nothing', async () => {
      const cases: Array<[string, Format, ArchiveEntry[], RegExp]> = [
        ['dotdot', 'zip', [{ name: '../../escape.js', content: 'x' }], /climbs out of the archive/],
        ['absolute', 'tar', [{ name: '/etc/cron.d/evil', content: 'x' }], /absolute path/],
        ['symlink', 'tar', [{ name: 'index.js', kind: 'symlink', target: '/etc/passwd' }], /index.js is a symbolic link/],
        ['zip-symlink', 'zip', [{ name: 'index.js', kind: 'symlink', target: '/etc/shadow' }], /index.js is a symbolic link/],
        ['hardlink', 'tgz', [{ name: 'index.js', kind: 'hardlink', target: '/etc/passwd' }], /hard link/],
        ['device', 'tar', [{ name: 'index.js', kind: 'device' }], /not a regular file/],
        [
          'duplicate',
          'tar',
          [
            { name: 'index.js', content: 'module.exports = () => 1' },
            { name: './index.js', content: 'module.exports = () => 2' },
          ],
          /index.js appears twice/,
        ],
        ['bomb', 'tgz', [{ name: 'index.js', content: Buffer.alloc(64 * 1024 * 1024) }], /unpacks to more than/],
      ];
      for (const [name, format, entries, message] of cases) {
        const { status, body } = await registerRest(server.url, archiveDocument(functionDocument, `hostile-${name}`, format, entries));
        expect({ name, status, code: body.error?.code }).toEqual({ name, status: 400, code: 'BAD_USER_INPUT' });
        expect(body.error.message).toMatch(message);
        expect(body.error.details).toEqual([expect.objectContaining({ field: 'code' })]);
        expect((await fetch(`${server.url}/fn/hostile-${name}`)).status).toBe(404);
      }

      // A missing entry module names the handler; a relative import outside the archive fails the bundle.
      const missing = await registerRest(
        server.url,
        archiveDocument(functionDocument, 'hostile-missing', 'zip', { 'main.js': '' }, { handler: 'src/app.handler' }),
      );
      expect(missing.status).toBe(400);
      expect(missing.body.error.details).toEqual([{ field: 'handler', message: expect.stringMatching(/the archive has no module src\/app/) }]);
      const outside = await registerRest(
        server.url,
        archiveDocument(functionDocument, 'hostile-outside', 'zip', { 'index.js': "module.exports = require('/etc/passwd')" }),
      );
      expect(outside.body.error).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/Absolute imports are not allowed/) });

      // The same refusal over GraphQL, and a format spelled in any case over REST.
      const result = await graphql(server.url, 'mutation($input: RegisterFunctionInput!) { registerFunction(input: $input) { id } }', {
        input: { name: 'hostile-gql', language: 'javascript', code: makeZip([{ name: '../x.js', content: 'x' }]).toString('base64'), codeFormat: 'ZIP' },
      });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: [expect.objectContaining({ field: 'code' })] });
      const badFormat = await registerRest(server.url, functionDocument('hostile-format', 'x', { codeFormat: 'rar' }));
      expect(badFormat.body.error.details).toEqual([{ field: 'codeFormat', message: 'must be one of source, zip, tar, tgz' }]);
      const badHandler = await registerRest(server.url, functionDocument('hostile-handler', 'x', { handler: '../x.handler' }));
      expect(badHandler.body.error.details).toEqual([expect.objectContaining({ field: 'handler' })]);
    });
  });
}
