import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliTestServer, freePort, PACKAGES_DIR, startCliTestServer } from '../support/cli.js';

// The packed SDK (`npm run build:packages`, run by scripts/test) installed the way a user
// installs it: `npm install <tarball>` in an empty project, its dependencies from the npm
// registry. Then a program using it (TypeScript, type-checked against the package's own
// declarations) against a server process.
const TARBALL = join(PACKAGES_DIR, 'fngraph-sdk-0.1.0.tgz');
const TSC = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');

const PROGRAM = `
import { FngraphClient, FngraphError, InvocationLogsDocument, InvokeFunctionDocument, RegisterFunctionDocument, RuntimesDocument } from '@fngraph/sdk';

const [url, key, unreachable] = process.argv.slice(2) as [string, string, string];
const client = new FngraphClient({ url, credential: key });
const failure = (error: unknown) => ({ isFngraphError: error instanceof FngraphError, code: (error as FngraphError).code, closeCode: (error as FngraphError).closeCode ?? null, message: (error as Error).message });

const source = 'export default async (event) => { console.log("hello from the package"); return { doubled: JSON.parse(event.body).n * 2 }; }';
const { registerFunction } = await client.request(RegisterFunctionDocument, { input: { name: 'sdk-package', language: 'javascript', code: Buffer.from(source).toString('base64') } });
const { invokeFunction } = await client.request(InvokeFunctionDocument, { input: { name: 'sdk-package', payload: { n: 21 }, async: true } });
const lines: string[] = [];
for await (const { invocationLogs } of client.subscribe(InvocationLogsDocument, { invocationId: invokeFunction.id })) lines.push(invocationLogs.message);
const sync = await client.request(InvokeFunctionDocument, { input: { name: 'sdk-package', payload: { n: 4 } } });
await client.close();

const badKey = new FngraphClient({ url, credential: 'fng_notarealkeyatall_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
const badRequest = await badKey.request(RuntimesDocument).catch(failure);
let badSubscription: unknown = 'no error';
try {
  for await (const _ of badKey.subscribe(InvocationLogsDocument, { invocationId: invokeFunction.id })) break;
} catch (error) {
  badSubscription = failure(error);
}
await badKey.close();

const nowhere = new FngraphClient({ url: unreachable, credential: key });
const unreachableRequest = await nowhere.request(RuntimesDocument).catch(failure);
let unreachableSubscription: unknown = 'no error';
try {
  for await (const _ of nowhere.subscribe(InvocationLogsDocument, { invocationId: invokeFunction.id })) break;
} catch (error) {
  unreachableSubscription = failure(error);
}
await nowhere.close();

console.log(JSON.stringify({ build: registerFunction.latestVersion.buildStatus, lines, sync: sync.invokeFunction.response, badRequest, badSubscription, unreachableRequest, unreachableSubscription }));
`;

describe('the @fngraph/sdk package', { timeout: 300_000 }, () => {
  let server: CliTestServer;
  const project = mkdtempSync(join(tmpdir(), 'fngraph-sdk-user-'));
  beforeAll(async () => {
    server = await startCliTestServer();
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(project, { recursive: true, force: true });
  });

  it('installs from its tarball with its declared dependencies, type-checks, and works against a server; every failure is a FngraphError with a code', async () => {
    const packed = JSON.parse(execFileSync('tar', ['-xOzf', TARBALL, 'package/package.json'], { encoding: 'utf8' }));
    expect(packed).toMatchObject({ name: '@fngraph/sdk', exports: { '.': { types: './dist/client.d.ts', default: './dist/client.js' } } });
    expect(Object.keys(packed.dependencies).sort()).toEqual(['@graphql-typed-document-node/core', 'graphql', 'graphql-ws', 'ws']);

    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'sdk-user', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', TARBALL], { cwd: project, stdio: 'pipe' });
    expect(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).dependencies['@fngraph/sdk']).toMatch(/fngraph-sdk-0\.1\.0\.tgz$/);

    // The package's own declarations (no path into the repository) type-check the program.
    writeFileSync(join(project, 'main.ts'), PROGRAM);
    const typeRoots = join(dirname(createRequire(import.meta.url).resolve('@types/node/package.json')), '..');
    const tscArgs = ['--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2023', '--typeRoots', typeRoots, '--types', 'node'];
    execFileSync(process.execPath, [TSC, ...tscArgs, '--outDir', 'out', 'main.ts'], { cwd: project, stdio: 'pipe' });

    const unreachable = `http://127.0.0.1:${await freePort()}`;
    const output = execFileSync(process.execPath, ['out/main.js', server.url, server.adminKey, unreachable], { cwd: project, encoding: 'utf8' });
    const result = JSON.parse(output);
    expect(result).toMatchObject({ build: 'READY', lines: ['hello from the package'], sync: { doubled: 8 } });
    expect(result.badRequest).toMatchObject({ isFngraphError: true, code: 'UNAUTHENTICATED', closeCode: null });
    // The server closes the socket with 4401: a FngraphError, not a bare close event.
    expect(result.badSubscription).toMatchObject({ isFngraphError: true, code: 'UNAUTHENTICATED', closeCode: 4401 });
    expect(result.unreachableRequest).toEqual({
      isFngraphError: true,
      code: 'NETWORK_ERROR',
      closeCode: null,
      message: `Cannot reach ${unreachable}: ECONNREFUSED`,
    });
    expect(result.unreachableSubscription).toMatchObject({ isFngraphError: true, code: 'NETWORK_ERROR' });
  });
});
