import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppConfig } from '@/kernel/config/app-config.js';
import { DependencyBuilder } from './dependency-builder.js';
import { dependencySet, type PackageManager } from './dependency-set.js';
import { RecordedErrors } from '../../../../test/support/recorded-errors.js';
import { type InstallOutcome, type InstallRequest, PackageInstaller, PackageInstallers } from './package-installer.js';

const OK: InstallOutcome = { code: 0, timedOut: false, aborted: false, startError: null };

/** Stands in for npm/pip: does what each test tells it, counts its runs. */
class FakeInstaller extends PackageInstaller {
  readonly modulesDir: string;
  calls = 0;
  behaviour: (request: InstallRequest) => Promise<InstallOutcome> = async (request) => {
    await mkdir(join(request.dir, this.modulesDir, 'pkg'), { recursive: true });
    await writeFile(join(request.dir, this.modulesDir, 'pkg', 'index.js'), 'module.exports = 1;');
    request.onLine('added 1 package');
    return OK;
  };

  constructor(readonly manager: PackageManager) {
    super();
    this.modulesDir = manager === 'npm' ? 'node_modules' : 'site-packages';
  }

  install(request: InstallRequest): Promise<InstallOutcome> {
    this.calls++;
    return this.behaviour(request);
  }
}

function gate(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('DependencyBuilder', () => {
  let dataDir: string;
  let npm: FakeInstaller;
  let pip: FakeInstaller;
  let builder: DependencyBuilder;
  let errors: RecordedErrors;
  const set = dependencySet('nodejs20', { 'left-pad': '1.3.0' });

  const open = (env: Record<string, string> = {}) => {
    const config = AppConfig.fromEnvironment({ NODE_ENV: 'test', FNGRAPH_DATA_DIR: dataDir, HOME: '/home/builder', ...env });
    const installers = new (class extends PackageInstallers {
      of = (manager: PackageManager) => (manager === 'npm' ? npm : pip);
    })();
    errors = new RecordedErrors();
    builder = new DependencyBuilder(config, installers, errors);
  };
  const entries = (runtime = 'nodejs20') => (existsSync(join(dataDir, 'dependencies', runtime)) ? readdirSync(join(dataDir, 'dependencies', runtime)) : []);

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'fngraph-deps-'));
    npm = new FakeInstaller('npm');
    pip = new FakeInstaller('pip');
    open();
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('installs into <dataDir>/dependencies/<runtime>/<hash>, appearing only when complete', async () => {
    let seenDuringInstall: { finalExists: boolean; workDir: string } | undefined;
    const defaultBehaviour = npm.behaviour;
    npm.behaviour = async (request) => {
      seenDuringInstall = { finalExists: existsSync(builder.directoryFor(set)), workDir: request.dir };
      return defaultBehaviour(request);
    };
    expect(await builder.isInstalled(set)).toBe(false);
    const lines: string[] = [];
    const result = await builder.ensure(set, (line) => lines.push(line));

    expect(result).toMatchObject({ status: 'READY', reused: false, dir: join(dataDir, 'dependencies', 'nodejs20', set.hash) });
    expect(seenDuringInstall?.finalExists).toBe(false);
    expect(dirname(seenDuringInstall!.workDir)).toBe(join(dataDir, 'dependencies', 'nodejs20'));
    expect(basename(seenDuringInstall!.workDir)).toMatch(/^\.building-/);
    expect(entries()).toEqual([set.hash]);
    expect(existsSync(join(builder.directoryFor(set), 'node_modules', 'pkg', 'index.js'))).toBe(true);
    // Readable by the sandbox's user, which is not the server's.
    expect(statSync(builder.directoryFor(set)).mode & 0o777).toBe(0o755);
    expect(JSON.parse(readFileSync(join(builder.directoryFor(set), 'fngraph-dependencies.json'), 'utf8'))).toMatchObject({
      runtime: 'nodejs20',
      manager: 'npm',
      dependencies: { 'left-pad': '1.3.0' },
      hash: set.hash,
    });
    expect(lines[0]).toBe('1 npm dependency for nodejs20: left-pad@1.3.0');
    expect(lines).toContain('added 1 package');
    expect(lines.at(-1)).toMatch(/^Installed in [\d.]+ s \(set [0-9a-f]{12}\)$/);
    if (result.status === 'READY') expect(result.log.split('\n')).toEqual(lines);
    expect(await builder.isInstalled(set)).toBe(true);
    expect(builder.installCount).toBe(1);
  });

  it('reuses an installed set without running the package manager', async () => {
    await builder.ensure(set);
    open(); // another server process on the same data directory
    const result = await builder.ensure(dependencySet('nodejs20', { 'left-pad': ' 1.3.0' }));
    expect(result).toMatchObject({ status: 'READY', reused: true });
    expect(result.log).toContain('Already installed');
    expect(npm.calls).toBe(1);
  });

  it('shares one build between concurrent callers, replaying earlier lines to late ones', async () => {
    const release = gate();
    const defaultBehaviour = npm.behaviour;
    npm.behaviour = async (request) => {
      request.onLine('resolving');
      await release.promise;
      return defaultBehaviour(request);
    };
    const first: string[] = [];
    const late: string[] = [];
    const a = builder.ensure(set, (line) => first.push(line));
    while (!first.includes('resolving')) await new Promise((resolve) => setImmediate(resolve));
    const b = builder.ensure(set, (line) => late.push(line));
    const c = builder.ensure(dependencySet('nodejs20', { 'left-pad': '1.3.0 ' }));
    release.resolve();
    const results = await Promise.all([a, b, c]);
    expect(results.map((r) => r.status)).toEqual(['READY', 'READY', 'READY']);
    expect(npm.calls).toBe(1);
    expect(late).toEqual(first);
  });

  it('fails with the output and the reason, caches nothing, and tries again next time', async () => {
    npm.behaviour = async (request) => {
      request.onLine('npm error 404 Not Found - GET https://registry.npmjs.org/left-pad');
      return { ...OK, code: 1 };
    };
    const result = await builder.ensure(set);
    expect(result.status).toBe('FAILED');
    expect(result.log).toContain('npm error 404 Not Found');
    expect(result.log.split('\n').at(-1)).toBe('Build FAILED: npm exited with code 1');
    expect(entries()).toEqual([]);
    await builder.ensure(set);
    expect(npm.calls).toBe(2);
  });

  it.each([
    ['a timeout', { ...OK, code: null, timedOut: true }, /Build FAILED: Stopped after 300 s \(FNGRAPH_DEPENDENCY_BUILD_TIMEOUT_SECONDS\)/],
    ['a missing binary', { ...OK, code: null, startError: new Error('spawn npm ENOENT') }, /Build FAILED: Could not start npm: spawn npm ENOENT/],
    ['success without a tree', OK, /Build FAILED: npm finished without creating node_modules\//],
    [
      'a refusal of the installer',
      { ...OK, code: 1, refusal: 'x@1.0.0 comes from http://127.0.0.1:9/x.tgz, not from the configured registry' },
      /Build FAILED: x@1\.0\.0 comes from http:\/\/127\.0\.0\.1:9\/x\.tgz, not from the configured registry$/,
    ],
  ])('reports %s as a failed build', async (_what, outcome, message) => {
    npm.behaviour = async () => outcome;
    const result = await builder.ensure(set);
    expect(result.status).toBe('FAILED');
    expect(result.log).toMatch(message);
    expect(entries()).toEqual([]);
  });

  it('turns an unexpected error into a failed build', async () => {
    npm.behaviour = async () => {
      throw new Error('disk full');
    };
    const result = await builder.ensure(set);
    expect(errors.reports).toEqual([{ error: new Error('disk full'), report: { source: 'build', where: expect.stringContaining(set.hash) } }]);
    expect(result).toMatchObject({ status: 'FAILED' });
    expect(result.log).toMatch(/unexpected error/);
    expect(entries()).toEqual([]);
  });

  it('uses the tree of another process that finished the same set first', async () => {
    const defaultBehaviour = npm.behaviour;
    npm.behaviour = async (request) => {
      mkdirSync(join(builder.directoryFor(set), 'node_modules'), { recursive: true });
      return defaultBehaviour(request);
    };
    const result = await builder.ensure(set);
    expect(result).toMatchObject({ status: 'READY', reused: true });
    expect(result.log).toContain('Another server process installed the same set first');
    expect(entries()).toEqual([set.hash]);
  });

  it('stops builds on shutdown without deciding their outcome', async () => {
    npm.behaviour = (request) => new Promise((resolve) => request.signal.addEventListener('abort', () => resolve({ ...OK, code: null, aborted: true })));
    const running = builder.ensure(set);
    while (npm.calls === 0) await new Promise((resolve) => setImmediate(resolve));
    builder.onModuleDestroy();
    expect((await running).status).toBe('ABORTED');
    expect(entries()).toEqual([]);
  });

  it('runs at most FNGRAPH_DEPENDENCY_BUILD_CONCURRENCY builds at once', async () => {
    open({ FNGRAPH_DEPENDENCY_BUILD_CONCURRENCY: '1' });
    const release = gate();
    const defaultBehaviour = npm.behaviour;
    npm.behaviour = async (request) => {
      await release.promise;
      return defaultBehaviour(request);
    };
    const first = builder.ensure(set);
    while (npm.calls === 0) await new Promise((resolve) => setImmediate(resolve));
    const waitingLines: string[] = [];
    const second = builder.ensure(dependencySet('nodejs20', { 'is-number': '7.0.0' }), (line) => waitingLines.push(line));
    while (!waitingLines.includes('Waiting for a free build slot')) await new Promise((resolve) => setImmediate(resolve));
    expect(npm.calls).toBe(1);
    release.resolve();
    expect((await Promise.all([first, second])).map((r) => r.status)).toEqual(['READY', 'READY']);
    expect(npm.calls).toBe(2);
  });

  it('builds pip sets with the pip installer into site-packages', async () => {
    const pySet = dependencySet('python3.11', { six: '>=1.16' });
    const result = await builder.ensure(pySet);
    expect(result.status).toBe('READY');
    expect(pip.calls).toBe(1);
    expect(npm.calls).toBe(0);
    expect(existsSync(join(builder.directoryFor(pySet), 'site-packages', 'pkg'))).toBe(true);
    expect(entries('python3.11')).toEqual([pySet.hash]);
  });

  it('removes work directories abandoned by a crashed server, not recent ones', async () => {
    const parent = join(dataDir, 'dependencies', 'nodejs20');
    mkdirSync(join(parent, '.building-abandoned'), { recursive: true });
    mkdirSync(join(parent, '.building-recent'), { recursive: true });
    const longAgo = new Date(Date.now() - 24 * 3600 * 1000);
    utimesSync(join(parent, '.building-abandoned'), longAgo, longAgo);
    await builder.ensure(set);
    expect(entries().sort()).toEqual(['.building-recent', set.hash].sort());
  });
});
