import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependencySet } from '@/modules/runtimes/dependencies/dependency-set.js';
import { pythonDocument, registerDocument, typescriptDocument, waitForBuild } from '../support/functions.js';
import {
  type LocalNpmRegistry,
  type LocalPythonIndex,
  type RecordingServer,
  startNpmRegistry,
  startPythonIndex,
  startRecordingServer,
} from '../support/local-registries.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

// Registries served on loopback by the test itself: a build may only ever fetch from the
// configured one, whatever the packages it resolves say.
const TIMEOUT = 180_000;

/** Every file below `dir` (recursively) whose content contains `marker`. */
function filesContaining(dir: string, marker: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  const visit = (path: string) => {
    const info = statSync(path, { throwIfNoEntry: false });
    if (!info) return;
    if (info.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else if (info.isFile() && info.size < 1024 * 1024 && readFileSync(path, 'utf8').includes(marker)) found.push(path);
  };
  visit(dir);
  return found;
}

describe('dependency builds take every package from the configured registry', { timeout: TIMEOUT }, () => {
  let npm: LocalNpmRegistry;
  let pypi: LocalPythonIndex;
  /** Stands for an internal service: no build may ever reach it. */
  let internal: RecordingServer;
  let server: TestServer;
  const gitRepo = mkdtempSync(join(tmpdir(), 'fngraph-host-repo-'));
  const SECRET_MARKER = `host-repository-secret-${process.pid}`;

  beforeAll(async () => {
    [npm, pypi, internal] = await Promise.all([startNpmRegistry(), startPythonIndex(), startRecordingServer()]);
    // A repository on the server's host, which a build must never copy into the cache.
    writeFileSync(join(gitRepo, 'package.json'), JSON.stringify({ name: 'host-repo', version: '1.0.0', main: 'index.js' }));
    writeFileSync(join(gitRepo, 'index.js'), `module.exports = ${JSON.stringify(SECRET_MARKER)};\n`);
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: gitRepo,
        env: { PATH: process.env.PATH, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' },
      });
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'secret');

    npm.publish({ name: 'plain-dep', version: '1.0.0' });
    npm.publish({ name: 'plain-top', version: '1.0.0', dependencies: { 'plain-dep': '^1.0.0' } });
    npm.publish({ name: 'uses-remote-tarball', version: '1.0.0', dependencies: { inner: `${internal.origin}/inner.tgz` } });
    npm.publish({ name: 'uses-host-git', version: '1.0.0', dependencies: { 'host-repo': `git+file://${gitRepo}` } });
    npm.publish({ name: 'uses-http-git', version: '1.0.0', dependencies: { inner: `git+${internal.origin}/inner.git` } });
    npm.publish({ name: 'needs-build', version: '1.0.0', scripts: { install: 'node-gyp rebuild' }, files: { 'binding.gyp': '{}' } });
    npm.publish({ name: 'wraps-needs-build', version: '1.0.0', dependencies: { 'needs-build': '1.0.0' } });
    pypi.publish('plain-py', '1.0');
    pypi.publish('uses-direct-url', '1.0', [`inner-py @ ${internal.origin}/inner_py-1.0-py3-none-any.whl`]);
    pypi.publishSdist('source-only', '1.0');

    server = await startTestServer({ npm_config_registry: npm.url, PIP_INDEX_URL: pypi.url });
  });

  afterAll(async () => {
    await server?.close();
    await Promise.all([npm?.close(), pypi?.close(), internal?.close()]);
    rmSync(gitRepo, { recursive: true, force: true });
  });

  const cache = () => join(server.config.dataDir, 'dependencies');

  async function build(name: string, document: Record<string, unknown>) {
    const registered = await registerDocument(server.url, document);
    return { registered, build: await waitForBuild(server.url, registered.id, registered.version), name };
  }

  it('installs registry packages and their registry dependencies from the configured registry', async () => {
    const source = "import top from 'plain-top';\nimport dep from 'plain-dep';\nexport default async () => [top, dep];\n";
    const { build: outcome } = await build('plain', typescriptDocument('uses-plain', source, { metadata: { dependencies: { 'plain-top': '1.0.0' } } }));
    expect(outcome.buildStatus).toBe('READY');
    expect(await (await fetch(`${server.url}/fn/uses-plain`)).json()).toEqual(['plain-top', 'plain-dep']);
    expect(npm.requests).toContain('GET /plain-dep/-/plain-dep-1.0.0.tgz');
    expect(outcome.buildLog).toContain('$ npm ci');
    // The tree belongs to the server's user (the build ran as the sandbox user), without the build's scratch folder.
    const dir = join(cache(), 'nodejs24', dependencySet('nodejs24', { 'plain-top': '1.0.0' }).hash);
    expect(readdirSync(dir).sort()).toEqual(['fngraph-dependencies.json', 'node_modules', 'package-lock.json', 'package.json']);
    expect(statSync(join(dir, 'node_modules', 'plain-dep', 'package.json')).uid).toBe(process.getuid?.());
  });

  it('refuses a nested dependency on a tarball URL without fetching it', async () => {
    const { build: outcome } = await build(
      'remote',
      typescriptDocument('uses-remote', 'export default async () => 1;', { metadata: { dependencies: { 'uses-remote-tarball': '1.0.0' } } }),
    );
    expect(outcome.buildStatus).toBe('FAILED');
    expect(outcome.buildLog).toContain(`${internal.origin}/inner.tgz`);
    expect(outcome.buildLog).toMatch(/not (from|on) the configured registry/);
    expect(internal.requests).toEqual([]);
  });

  it('refuses nested git dependencies: nothing fetched, nothing of a host repository in the cache', async () => {
    for (const [fn, dependency] of [
      ['uses-git-file', 'uses-host-git'],
      ['uses-git-http', 'uses-http-git'],
    ]) {
      const { build: outcome } = await build(
        fn!,
        typescriptDocument(fn!, 'export default async () => 1;', { metadata: { dependencies: { [dependency!]: '1.0.0' } } }),
      );
      expect(outcome.buildStatus).toBe('FAILED');
      expect(outcome.buildLog).toMatch(/git/);
      expect(outcome.buildLog.split('\n').at(-1)).toMatch(/^Build FAILED: /);
    }
    expect(internal.requests).toEqual([]);
    expect(filesContaining(cache(), SECRET_MARKER)).toEqual([]);
  });

  it('fails a package that needs its install script, with the reason, instead of READY and then 502', async () => {
    const { build: direct } = await build(
      'native',
      typescriptDocument('uses-native', 'export default async () => 1;', { metadata: { dependencies: { 'needs-build': '1.0.0' } } }),
    );
    expect(direct.buildStatus).toBe('FAILED');
    expect(direct.buildLog).toContain('Build FAILED: needs-build needs an install script (node-gyp rebuild); install scripts are not run');
    const { build: nested } = await build(
      'nested-native',
      typescriptDocument('uses-nested-native', 'export default async () => 1;', { metadata: { dependencies: { 'wraps-needs-build': '1.0.0' } } }),
    );
    expect(nested.buildStatus).toBe('FAILED');
    expect(nested.buildLog).toContain('needs-build needs an install script');
  });

  it('installs a wheel from the configured index, and refuses one whose Requires-Dist is a URL without fetching it', async () => {
    const { build: plain } = await build(
      'plain-py',
      pythonDocument('uses-plain-py', 'import plain_py\n\ndef handler(event, context):\n    return plain_py.VERSION\n', {
        metadata: { dependencies: { 'plain-py': '==1.0' } },
      }),
    );
    expect(plain.buildStatus).toBe('READY');
    expect(await (await fetch(`${server.url}/fn/uses-plain-py`)).text()).toBe('1.0');

    const { build: outcome } = await build(
      'direct-url',
      pythonDocument('uses-direct-url', 'def handler(event, context):\n    return 1\n', { metadata: { dependencies: { 'uses-direct-url': '==1.0' } } }),
    );
    expect(outcome.buildStatus).toBe('FAILED');
    expect(outcome.buildLog).toContain(`${internal.origin}/inner_py-1.0-py3-none-any.whl`);
    expect(internal.requests).toEqual([]);
  });

  it('fails a requirement that only has a source distribution, with the reason, without building it', async () => {
    const { build: outcome } = await build(
      'sdist',
      pythonDocument('uses-sdist', 'def handler(event, context):\n    return 1\n', { metadata: { dependencies: { 'source-only': '==1.0' } } }),
    );
    expect(outcome.buildStatus).toBe('FAILED');
    expect(outcome.buildLog.split('\n').at(-1)).toMatch(
      /^Build FAILED: pip exited with code \d+ resolving the set to wheels from .*source distributions are not built/,
    );
    expect(outcome.buildLog).not.toContain('setup.py of source-only ran');
  });
});
