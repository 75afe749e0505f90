import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '@/kernel/events/event-bus.js';
import { SANDBOX_DEPENDENCIES_DIR } from '@/modules/executor/sandbox-paths.js';
import { SQLITE_FILE_NAME } from '@/adapters/storage/sqlite/sqlite-database.js';
import { DependencyBuilder } from '@/modules/runtimes/dependencies/dependency-builder.js';
import { dependencySet } from '@/modules/runtimes/dependencies/dependency-set.js';
import { type VersionBuiltEvent, versionsBuiltChannel } from '@/modules/versions/version.channels.js';
import { pythonDocument, registerDocument, typescriptDocument, waitForBuild } from '../support/functions.js';
import { describeWithDocker, dockerAnswers, dockerHost } from '../support/docker.js';
import { subscribe, wsClient } from '../support/graphql-client.js';
import { scrape } from '../support/prometheus.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

// These tests install real packages from the npm registry and PyPI. Slow networks make
// them slow, not flaky: nothing below is timed, the generous test timeout bounds them.
const NETWORK_TIMEOUT = 300_000;

const TS_WITH_NPM = `
import isNumber from 'is-number';

interface Verdict {
  input: string;
  numeric: boolean;
}

export default async (event: { query: Record<string, string> }): Promise<Verdict> => {
  const input = event.query.value ?? '';
  return { input, numeric: isNumber(input) };
};
`;

const PY_WITH_PIP = `
import six

def handler(event, context):
    print("six", six.__version__)
    return {"six": six.__version__, "text": six.ensure_text(b"bytes"), "from": six.__file__}
`;

const docker = await dockerAnswers();

const NO_SUCH_NPM_PACKAGE = `fngraph-no-such-package-${randomBytes(6).toString('hex')}`;
const NO_SUCH_PIP_PACKAGE = `fngraph-no-such-package-${randomBytes(6).toString('hex')}`;

describe('function dependencies', { timeout: NETWORK_TIMEOUT }, () => {
  let server: TestServer;
  const built: VersionBuiltEvent[] = [];
  beforeAll(async () => {
    server = await startTestServer();
    await server.app.get(EventBus).subscribe(versionsBuiltChannel, (event) => built.push(event));
  });
  afterAll(() => server.close());

  const builder = () => server.app.get(DependencyBuilder);
  const cacheEntries = (runtime: string) => {
    const dir = join(server.config.dataDir, 'dependencies', runtime);
    return existsSync(dir) ? readdirSync(dir) : [];
  };

  it('installs an npm dependency for a TypeScript function (BUILDING, then READY) and serves it over /fn/:name', async () => {
    const registered = await registerDocument(
      server.url,
      typescriptDocument('ts-is-number', TS_WITH_NPM, { metadata: { dependencies: { 'is-number': '^7.0.0' } } }),
    );
    expect(registered.buildStatus).toBe('BUILDING');

    const build = await waitForBuild(server.url, registered.id, registered.version);
    expect(build.buildStatus).toBe('READY');
    expect(build.buildLog).toContain('1 npm dependency for nodejs24: is-number@^7.0.0');
    expect(build.buildLog).toContain('--ignore-scripts');
    expect(build.buildLog).toMatch(/added 1 package/);
    expect(build.buildLog).toMatch(/Installed in [\d.]+ s/);
    expect(build.buildLog).not.toContain(server.config.dataDir);
    expect(built).toContainEqual({ versionId: registered.versionId, functionId: registered.id, status: 'READY' });

    const set = dependencySet('nodejs24', { 'is-number': '^7.0.0' });
    expect(existsSync(join(builder().directoryFor(set), 'node_modules', 'is-number', 'package.json'))).toBe(true);

    const yes = await fetch(`${server.url}/fn/ts-is-number?value=42.5`);
    expect(yes.status).toBe(200);
    expect(await yes.json()).toEqual({ input: '42.5', numeric: true });
    expect(await (await fetch(`${server.url}/fn/ts-is-number?value=abc`)).json()).toEqual({ input: 'abc', numeric: false });
  });

  it('builds the same dependency set once: a later registration reuses the cache', async () => {
    const before = builder().installCount;
    const twin = await registerDocument(
      server.url,
      // Same set, spelled differently.
      typescriptDocument('ts-is-number-twin', TS_WITH_NPM, { metadata: { dependencies: { 'is-number': ' ^7.0.0 ' } } }),
    );
    const build = await waitForBuild(server.url, twin.id, twin.version);
    expect(build.buildStatus).toBe('READY');
    expect(build.buildLog).toContain('Already installed');
    expect(builder().installCount).toBe(before);
    expect(cacheEntries('nodejs24')).toEqual([dependencySet('nodejs24', { 'is-number': '^7.0.0' }).hash]);
    expect(await (await fetch(`${server.url}/fn/ts-is-number-twin?value=7`)).json()).toEqual({ input: '7', numeric: true });
  });

  it('shares one build between concurrent registrations of the same new set', async () => {
    const before = builder().installCount;
    const source = "import leftPad from 'left-pad';\nexport default async () => leftPad('7', 3, '0');\n";
    const [a, b] = await Promise.all(
      ['pad-a', 'pad-b'].map((name) => registerDocument(server.url, typescriptDocument(name, source, { metadata: { dependencies: { 'left-pad': '1.3.0' } } }))),
    );
    const builds = await Promise.all([waitForBuild(server.url, a.id, a.version), waitForBuild(server.url, b.id, b.version)]);
    expect(builds.map((x) => x.buildStatus)).toEqual(['READY', 'READY']);
    expect(builder().installCount).toBe(before + 1);
    expect(cacheEntries('nodejs24').filter((entry) => entry.startsWith('.building-'))).toEqual([]);
    expect(await (await fetch(`${server.url}/fn/pad-b`)).text()).toBe('007');
  });

  it('installs a pip dependency for a Python function and serves it over /fn/:name', async () => {
    const registered = await registerDocument(server.url, pythonDocument('py-six', PY_WITH_PIP, { metadata: { dependencies: { six: '>=1.16' } } }));
    expect(registered.buildStatus).toBe('BUILDING');
    const build = await waitForBuild(server.url, registered.id, registered.version);
    expect(build.buildStatus).toBe('READY');
    expect(build.buildLog).toContain('1 pip dependency for python3.11: six@>=1.16');
    expect(build.buildLog).toContain('--only-binary=:all:');
    expect(build.buildLog).toMatch(/Successfully installed six-/);

    const response = await fetch(`${server.url}/fn/py-six`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.six).toMatch(/^1\.\d+/);
    expect(body.text).toBe('bytes');
    const dir = builder().directoryFor(dependencySet('python3.11', { six: '>=1.16' }));
    // Mounted read-only into the sandbox at the same place in every executor.
    expect(body.from).toBe(join(SANDBOX_DEPENDENCIES_DIR, 'site-packages', 'six.py'));
    expect(existsSync(join(dir, 'site-packages', 'six.py'))).toBe(true);
  });

  it('fails the build of a package that does not exist, with a useful log, and refuses to invoke it (409)', async () => {
    const metricsBefore = await scrape(server.url);
    const registered = await registerDocument(
      server.url,
      typescriptDocument('ts-missing-dep', "export default async () => 'never'", { metadata: { dependencies: { [NO_SUCH_NPM_PACKAGE]: '^1.0.0' } } }),
    );
    expect(registered.buildStatus).toBe('BUILDING');
    // Whether the build is still running or has failed already, the version cannot run.
    const early = await fetch(`${server.url}/fn/ts-missing-dep`);
    expect(early.status).toBe(409);
    expect((await early.json()).error.code).toBe('FUNCTION_NOT_READY');

    const build = await waitForBuild(server.url, registered.id, registered.version);
    expect(build.buildStatus).toBe('FAILED');
    expect(build.buildLog).toContain(NO_SUCH_NPM_PACKAGE);
    expect(build.buildLog).toMatch(/404/);
    expect(build.buildLog).toMatch(/Build FAILED: npm exited with code \d+/);
    expect(built).toContainEqual({ versionId: registered.versionId, functionId: registered.id, status: 'FAILED' });
    const metricsAfter = await scrape(server.url);
    const moved = (name: string) => metricsAfter.value(name, { status: 'FAILED' }) - metricsBefore.value(name, { status: 'FAILED' });
    expect(moved('fngraph_builds_total')).toBe(1);
    expect(moved('fngraph_build_duration_seconds_count')).toBe(1);

    const response = await fetch(`${server.url}/fn/ts-missing-dep`);
    expect(response.status).toBe(409);
    const { error } = await response.json();
    expect(error.code).toBe('FUNCTION_NOT_READY');
    expect(error.message).toMatch(/failed to install its dependencies.*buildLog/);

    const invoked = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { invokeFunction(input: { name: "ts-missing-dep" }) { id } }' }),
    });
    expect((await invoked.json()).errors[0].extensions.code).toBe('FUNCTION_NOT_READY');
    expect(cacheEntries('nodejs24')).not.toContain(dependencySet('nodejs24', { [NO_SUCH_NPM_PACKAGE]: '^1.0.0' }).hash);
    expect(cacheEntries('nodejs24').filter((entry) => entry.startsWith('.building-'))).toEqual([]);
  });

  it('fails the build of a pip requirement that does not exist', async () => {
    const registered = await registerDocument(
      server.url,
      pythonDocument('py-missing-dep', 'def handler(event, context):\n    return 1\n', { metadata: { dependencies: { [NO_SUCH_PIP_PACKAGE]: '==1.0' } } }),
    );
    const build = await waitForBuild(server.url, registered.id, registered.version);
    expect(build.buildStatus).toBe('FAILED');
    expect(build.buildLog).toMatch(/No matching distribution found for fngraph-no-such-package-/);
    expect(build.buildLog).toMatch(/Build FAILED: pip exited with code \d+/);
    expect((await fetch(`${server.url}/fn/py-missing-dep`)).status).toBe(409);
  });

  it('a new version without dependencies is READY at once', async () => {
    const next = await registerDocument(
      server.url,
      typescriptDocument('ts-missing-dep', "export default async () => 'fixed'", { metadata: { dependencies: {} } }),
    );
    expect(next.buildStatus).toBe('READY');
    expect(await (await fetch(`${server.url}/fn/ts-missing-dep`)).text()).toBe('fixed');
  });

  it('streams a build over versionBuildLogs: live lines, then the outcome; later subscribers get the stored log', async () => {
    const source = "import isOdd from 'is-odd';\nexport default async () => isOdd(3);\n";
    const registered = await registerDocument(server.url, typescriptDocument('ts-is-odd', source, { metadata: { dependencies: { 'is-odd': '3.0.1' } } }));
    const query = 'subscription($f: ID!, $v: String!) { versionBuildLogs(functionId: $f, version: $v) { versionId message status } }';
    type Item = { versionBuildLogs: { versionId: string; message: string | null; status: string } };
    const client = wsClient(server.url);
    try {
      const live = await subscribe<Item>(client, query, { f: registered.id, v: registered.version }).done;
      const last = live.at(-1)?.versionBuildLogs;
      expect(last).toEqual({ versionId: registered.versionId, message: null, status: 'READY' });
      expect(live.slice(0, -1).every((item) => item.versionBuildLogs.message !== null)).toBe(true);

      const replay = await subscribe<Item>(client, query, { f: registered.id, v: registered.version }).done;
      expect(replay.at(-1)?.versionBuildLogs.status).toBe('READY');
      expect(replay.map((item) => item.versionBuildLogs.message).join('\n')).toContain('is-odd@3.0.1');
    } finally {
      await client.dispose();
    }
    expect(await (await fetch(`${server.url}/fn/ts-is-odd`)).json()).toBe(true);
  });
});

describe('dependency builds across server restarts', { timeout: NETWORK_TIMEOUT }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fngraph-restart-'));
  // Like a production data directory: sandboxes (another user) must traverse it.
  chmodSync(dataDir, 0o711);
  const env = { FNGRAPH_DATA_DIR: dataDir, FNGRAPH_MASTER_KEY: randomBytes(32).toString('base64') };
  const dependenciesDir = join(dataDir, 'dependencies');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('rebuilds versions left BUILDING at start-up, and installs missing dependencies on demand', async () => {
    let server = await startTestServer(env);
    let registered;
    try {
      registered = await registerDocument(server.url, pythonDocument('py-restart', PY_WITH_PIP, { metadata: { dependencies: { six: '>=1.16' } } }));
      expect((await waitForBuild(server.url, registered.id, registered.version)).buildStatus).toBe('READY');
    } finally {
      await server.close();
    }

    // As if the server had stopped mid-build: the version BUILDING, nothing installed.
    const db = new Database(join(dataDir, SQLITE_FILE_NAME));
    db.prepare("UPDATE function_versions SET build_status = 'BUILDING', build_log = '' WHERE id = ?").run(registered.versionId);
    db.close();
    rmSync(dependenciesDir, { recursive: true, force: true });

    server = await startTestServer(env);
    try {
      const build = await waitForBuild(server.url, registered.id, registered.version);
      expect(build.buildStatus).toBe('READY');
      expect(build.buildLog).toMatch(/Successfully installed six-/);
      expect(await (await fetch(`${server.url}/fn/py-restart`)).json()).toMatchObject({ text: 'bytes' });
    } finally {
      await server.close();
    }

    // As if another server node had built it: READY in storage, not installed here.
    rmSync(dependenciesDir, { recursive: true, force: true });
    server = await startTestServer(env);
    try {
      const response = await fetch(`${server.url}/fn/py-restart`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ text: 'bytes' });
      expect(readdirSync(join(dependenciesDir, 'python3.11'))).toEqual([dependencySet('python3.11', { six: '>=1.16' }).hash]);
    } finally {
      await server.close();
    }
  });
});

describeWithDocker('function dependencies on the Docker executor', docker, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ FNGRAPH_EXECUTOR: 'docker', FNGRAPH_DOCKER_HOST: dockerHost });
  });
  afterAll(() => server?.close());

  it('builds an npm dependency for a TypeScript function and serves it over /fn/:name from a container', { timeout: NETWORK_TIMEOUT }, async () => {
    const registered = await registerDocument(
      server.url,
      typescriptDocument('docker-ts-is-number', TS_WITH_NPM, { metadata: { dependencies: { 'is-number': '^7.0.0' } } }),
    );
    expect((await waitForBuild(server.url, registered.id, registered.version)).buildStatus).toBe('READY');
    const response = await fetch(`${server.url}/fn/docker-ts-is-number?value=42.5`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ input: '42.5', numeric: true });
  });

  it('builds a pip dependency for a Python function and serves it over /fn/:name from a container', { timeout: NETWORK_TIMEOUT }, async () => {
    const registered = await registerDocument(server.url, pythonDocument('docker-py-six', PY_WITH_PIP, { metadata: { dependencies: { six: '>=1.16' } } }));
    expect((await waitForBuild(server.url, registered.id, registered.version)).buildStatus).toBe('READY');
    const response = await fetch(`${server.url}/fn/docker-py-six`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ text: 'bytes', six: expect.stringMatching(/^1\.\d+/) });
    // The image's Python found six where the driver mounted the dependency set.
    expect(body.from).toBe(join(SANDBOX_DEPENDENCIES_DIR, 'site-packages', 'six.py'));
  });
});
