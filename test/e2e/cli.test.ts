import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminEnvironment, CLI_MAIN, type CliTestServer, freePort, jsonOf, runCli, startCli, startCliTestServer } from '../support/cli.js';
import { type LocalNpmRegistry, type LocalPythonIndex, startNpmRegistry, startPythonIndex } from '../support/local-registries.js';

// The `fngraph` CLI (cli/dist, built by `npm run build:packages`) against a server process
// (dist/main.js), from folders in temporary directories, as a user would run it.
const TIMEOUT = 120_000;

function tempFolder(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `fngraph-cli-${prefix}-`));
}

/** No stack trace reached the user. */
function expectNoStack(output: string): void {
  expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

describe('fngraph CLI', { timeout: TIMEOUT }, () => {
  let server: CliTestServer;
  let npm: LocalNpmRegistry;
  let pypi: LocalPythonIndex;
  let env: Record<string, string>;
  const folders: string[] = [];
  const folder = (prefix: string) => {
    const dir = tempFolder(prefix);
    folders.push(dir);
    return dir;
  };

  beforeAll(async () => {
    [npm, pypi] = await Promise.all([startNpmRegistry(), startPythonIndex()]);
    npm.publish({ name: 'cli-pad', version: '1.0.0', files: { 'index.js': "module.exports = (s) => '[' + s + ']';\n" } });
    pypi.publish('cli-greeting', '1.2.0');
    // Dependency builds fetch from these loopback registries only.
    server = await startCliTestServer({ npm_config_registry: npm.url, PIP_INDEX_URL: pypi.url });
    env = adminEnvironment(server);
    folders.push(env.XDG_CONFIG_HOME!);
  });
  afterAll(async () => {
    await server?.stop();
    await Promise.all([npm?.close(), pypi?.close()]);
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });

  it('runs as `npx fngraph` from the repository (the workspace link npm ci makes), never a registry package', () => {
    const npx = spawnSync('npx', ['--no', '--', 'fngraph', '--version'], { cwd: new URL('../..', import.meta.url).pathname, encoding: 'utf8' });
    expect([npx.status, npx.stdout]).toEqual([0, '0.1.0\n']);
  });

  it('init ts && deploy && invoke --follow works from an empty folder', async () => {
    const dir = folder('hello');
    const init = await runCli(['init', 'ts', '--name', 'cli-hello'], { cwd: dir, env });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('Created cli-hello (ts)');
    expect(readFileSync(join(dir, 'fngraph.yaml'), 'utf8')).toContain('name: cli-hello');

    const deploy = await runCli(['deploy'], { cwd: dir, env });
    expect(deploy.stderr).toContain('Deploying cli-hello');
    expect(deploy.code).toBe(0);
    expect(deploy.stdout).toContain('cli-hello 1.0.0 created: READY');
    expect(deploy.stdout).toContain(`${server.url}/fn/cli-hello`);

    const invoke = await runCli(['invoke', 'cli-hello', '--follow', '--data', '{"name":"Ada"}'], { cwd: dir, env });
    expect(invoke.code).toBe(0);
    // The log line streamed (stderr), then the result (stdout).
    expect(invoke.stderr).toMatch(/STDOUT\s+greeting Ada from cli-hello 1\.0\.0/);
    expect(JSON.parse(invoke.stdout)).toEqual({ message: 'Hello, Ada!' });

    const json = jsonOf(await runCli(['invoke', 'cli-hello', '--follow', '-o', 'json', '--data', '{"name":"Grace"}'], { cwd: dir, env }));
    expect(json.invocation).toMatchObject({ status: 'SUCCEEDED', functionName: 'cli-hello', version: '1.0.0', response: { message: 'Hello, Grace!' } });
    expect(json.logs.map((line: any) => [line.seq, line.message])).toEqual([[1, 'greeting Grace from cli-hello 1.0.0']]);
  });

  it('takes payloads from --file, stdin and event options, and --async queues', async () => {
    const dir = folder('echo');
    writeFileSync(join(dir, 'fngraph.yaml'), 'name: cli-echo\nlanguage: javascript\n');
    writeFileSync(
      join(dir, 'index.js'),
      'export default async (event) => ({ method: event.method, path: event.path, body: event.body, h: event.headers["x-demo"] ?? null, q: event.query });\n',
    );
    expect((await runCli(['deploy'], { cwd: dir, env })).code).toBe(0);
    writeFileSync(join(dir, 'payload.json'), '{"from":"file"}');

    const fromFile = jsonOf(await runCli(['invoke', 'cli-echo', '-o', 'json', '--file', 'payload.json'], { cwd: dir, env }));
    expect(fromFile.invocation.response).toMatchObject({ method: 'POST', body: '{"from":"file"}' });
    // A shell pipe on stdin is read; `--file -` reads any stdin.
    const piped = spawnSync('sh', ['-c', `printf 'plain text' | "${process.execPath}" "${CLI_MAIN}" invoke cli-echo -o json`], {
      env: { PATH: process.env.PATH, ...env },
    });
    expect(jsonOf({ code: piped.status, stdout: piped.stdout.toString(), stderr: piped.stderr.toString() }).invocation.response).toMatchObject({
      body: 'plain text',
    });
    const fromStdin = jsonOf(await runCli(['invoke', 'cli-echo', '-o', 'json', '--file', '-'], { cwd: dir, env, input: '{"from":"stdin"}' }));
    expect(fromStdin.invocation.response).toMatchObject({ body: '{"from":"stdin"}' });
    const shaped = jsonOf(
      await runCli(['invoke', 'cli-echo', '-o', 'json', '-X', 'put', '--path', '/items/7', '-H', 'x-demo: yes', '-q', 'page=2', '-d', 'x'], { cwd: dir, env }),
    );
    expect(shaped.invocation.response).toEqual({ method: 'PUT', path: '/items/7', body: 'x', h: 'yes', q: { page: '2' } });

    const queued = jsonOf(await runCli(['invoke', 'cli-echo', '--async', '-o', 'json'], { cwd: dir, env }));
    expect(queued.invocation).toMatchObject({ status: 'QUEUED', functionName: 'cli-echo' });
  });

  it('deploys a Python folder with requirements.txt (installed from the loopback index)', async () => {
    const dir = folder('py');
    expect((await runCli(['init', 'python', '--name', 'cli-py'], { cwd: dir, env })).code).toBe(0);
    writeFileSync(join(dir, 'requirements.txt'), '# from the test index\ncli-greeting==1.2.0\n');
    writeFileSync(
      join(dir, 'handler.py'),
      'import cli_greeting\n\ndef handler(event, context):\n    print("version", cli_greeting.VERSION)\n    return {"greeting": cli_greeting.VERSION}\n',
    );
    const deploy = await runCli(['deploy', dir, '-o', 'json'], { env });
    const result = jsonOf(deploy);
    expect(result).toMatchObject({ function: { name: 'cli-py' }, buildStatus: 'READY', codeFormat: 'source', files: ['handler.py'] });
    expect(pypi.requests.some((request) => request.includes('cli-greeting'))).toBe(true);
    const invoke = jsonOf(await runCli(['invoke', 'cli-py', '-o', 'json'], { env }));
    expect(invoke.invocation.response).toEqual({ greeting: '1.2.0' });
  });

  it('a failed build prints the build log and exits 1', async () => {
    const dir = folder('broken');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'cli-broken', dependencies: { 'cli-no-such-package': '^1.0.0' }, fngraph: {} }));
    writeFileSync(join(dir, 'index.js'), 'export default async () => 1;\n');
    const deploy = await runCli(['deploy'], { cwd: dir, env });
    expect(deploy.code).toBe(1);
    expect(deploy.stdout).toMatch(/Build of cli-broken 1\.0\.0 FAILED/);
    expect(deploy.stdout).toContain('cli-no-such-package');
    const json = jsonOf(await runCli(['deploy', '-o', 'json'], { cwd: dir, env }));
    expect(json).toMatchObject({ function: { name: 'cli-broken' }, version: '1.0.1', buildStatus: 'FAILED' });
    expect(json.buildLog).toContain('cli-no-such-package');
  });

  it('deploys npm dependencies from package.json, env (plain and secret from the environment), limits and permissions', async () => {
    const dir = folder('deps');
    writeFileSync(
      join(dir, 'fngraph.yaml'),
      [
        'name: cli-deps',
        'description: pads',
        'env:',
        '  PLAIN: visible',
        '  TOKEN: { secret: CLI_TEST_TOKEN }',
        'limits: { timeout: 7, memory: 96 }',
        'permissions: { public: true }',
        'tags: [cli]',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'whatever', dependencies: { 'cli-pad': '^1.0.0' } }));
    writeFileSync(join(dir, 'index.ts'), "import pad from 'cli-pad';\nexport default async () => pad(`${process.env.PLAIN}/${process.env.TOKEN}`);\n");
    const missing = await runCli(['deploy'], { cwd: dir, env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('env.TOKEN reads $CLI_TEST_TOKEN, which is not set');

    const deploy = jsonOf(await runCli(['deploy', '-o', 'json'], { cwd: dir, env: { ...env, CLI_TEST_TOKEN: 's3cret' } }));
    expect(deploy).toMatchObject({ buildStatus: 'READY', codeFormat: 'source', files: ['index.ts'] });
    // Public: callable without credentials.
    // (A string result is the body as text.)
    expect(await (await fetch(`${server.url}/fn/cli-deps`)).text()).toBe('[visible/s3cret]');
    const fn = await graphql(
      server,
      '{ functionByName(name: "cli-deps") { description metadata { tags dependencies } executionConfig { timeout memoryLimit environmentVariables { name secret value } } } }',
    );
    expect(fn.functionByName).toMatchObject({
      description: 'pads',
      metadata: { tags: ['cli'], dependencies: { 'cli-pad': '^1.0.0' } },
      executionConfig: { timeout: 7, memoryLimit: 96 },
    });
    expect(fn.functionByName.executionConfig.environmentVariables).toEqual([
      { name: 'PLAIN', secret: false, value: 'visible' },
      { name: 'TOKEN', secret: true, value: null },
    ]);
  });

  it('deploys a multi-file folder as a zip, leaving out node_modules and dotfiles', async () => {
    const dir = folder('multi');
    writeFileSync(join(dir, 'fngraph.yaml'), 'name: cli-multi\nlanguage: javascript\nhandler: index.handler\n');
    writeFileSync(join(dir, 'index.js'), "const { shout } = require('./lib/util');\nexports.handler = async () => shout('zip');\n");
    mkdirSync(join(dir, 'lib'), { recursive: true });
    writeFileSync(join(dir, 'lib', 'util.js'), 'exports.shout = (s) => s.toUpperCase();\n');
    mkdirSync(join(dir, 'node_modules', 'ignored'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'ignored', 'index.js'), 'module.exports = 1;\n');
    writeFileSync(join(dir, '.env'), 'SECRET=1\n');
    const deploy = await runCli(['deploy', '-o', 'json'], { cwd: dir, env });
    const json = JSON.parse(deploy.stdout.trim().split('\n')[0]!);
    expect(json.files ?? json.error).toEqual(['fngraph.yaml', 'index.js', 'lib/util.js']);
    expect(json.codeFormat).toBe('zip');
    expect(deploy.code).toBe(0);
    expect(jsonOf(await runCli(['invoke', 'cli-multi', '-o', 'json'], { env })).invocation.response).toBe('ZIP');

    // A rollback brings back the archive and the entry point of the older version.
    writeFileSync(join(dir, 'fngraph.yaml'), 'name: cli-multi\nlanguage: javascript\n');
    writeFileSync(join(dir, 'index.js'), "export default async () => require('./lib/util').shout('two').toLowerCase();\n");
    expect(jsonOf(await runCli(['deploy', '-o', 'json'], { cwd: dir, env })).version).toBe('1.0.1');
    expect(jsonOf(await runCli(['invoke', 'cli-multi', '-o', 'json'], { env })).invocation.response).toBe('two');
    expect(jsonOf(await runCli(['rollback', 'cli-multi', '-o', 'json'], { env }))).toMatchObject({
      rolledBackTo: '1.0.0',
      version: '1.0.2',
      codeHash: json.codeHash,
    });
    expect(jsonOf(await runCli(['invoke', 'cli-multi', '-o', 'json'], { env })).invocation.response).toBe('ZIP');
  });

  it('lists versions and rolls back by re-deploying the older code as a new version', async () => {
    const dir = folder('versions');
    writeFileSync(join(dir, 'fngraph.yaml'), 'name: cli-versions\n');
    writeFileSync(join(dir, 'index.js'), 'export default async () => "one";\n');
    const first = jsonOf(await runCli(['deploy', '-o', 'json'], { cwd: dir, env }));
    writeFileSync(join(dir, 'index.js'), 'export default async () => "two";\n');
    const second = jsonOf(await runCli(['deploy', '-o', 'json'], { cwd: dir, env }));
    expect([first.version, first.action, second.version, second.action]).toEqual(['1.0.0', 'created', '1.0.1', 'updated']);

    const versions = jsonOf(await runCli(['versions', 'cli-versions', '-o', 'json'], { env }));
    expect(versions.latest).toBe('1.0.1');
    expect(versions.versions.map((version: any) => version.version)).toEqual(['1.0.1', '1.0.0']);
    expect((await runCli(['versions', 'cli-versions'], { env })).stdout).toMatch(/^\* 1\.0\.1 +READY/m);

    const rollback = jsonOf(await runCli(['rollback', 'cli-versions', '-o', 'json'], { env }));
    expect(rollback).toMatchObject({
      rolledBackTo: '1.0.0',
      version: '1.0.2',
      codeHash: first.codeHash,
      buildStatus: 'READY',
      method: 'redeployed-as-new-version',
    });
    expect(jsonOf(await runCli(['invoke', 'cli-versions', '-o', 'json'], { env })).invocation.response).toBe('one');
    const same = await runCli(['rollback', 'cli-versions', '1.0.2'], { env });
    expect([same.code, same.stderr.trim()]).toEqual([2, 'fngraph: 1.0.2 is already the latest version of cli-versions']);
  });

  it('sets, lists and deletes aliases, and rolls back by pointing the alias instead of re-deploying', async () => {
    const dir = folder('aliases');
    writeFileSync(join(dir, 'fngraph.yaml'), 'name: cli-aliases\n');
    for (const answer of ['one', 'two', 'three']) {
      writeFileSync(join(dir, 'index.js'), `export default async () => "${answer}";\n`);
      expect((await runCli(['deploy', '-o', 'json'], { cwd: dir, env })).code).toBe(0);
    }
    const invoke = async () => jsonOf(await runCli(['invoke', 'cli-aliases', '-o', 'json'], { env })).invocation;

    const set = jsonOf(await runCli(['alias', 'set', 'cli-aliases', 'prod', '1.0.1=90', '1.0.2', '-o', 'json'], { env }));
    expect(set.alias).toMatchObject({
      name: 'prod',
      routes: [
        { version: '1.0.1', weight: 90 },
        { version: '1.0.2', weight: 10 },
      ],
    });
    expect((await runCli(['alias', 'set', 'cli-aliases', 'default', '1.0.2'], { env })).code).toBe(0);
    const listed = jsonOf(await runCli(['alias', 'list', 'cli-aliases', '-o', 'json'], { env }));
    expect(listed.aliases.map((alias: any) => alias.name)).toEqual(['default', 'prod']);
    expect((await runCli(['alias', 'list', 'cli-aliases'], { env })).stdout).toMatch(/^prod +1\.0\.1=90 1\.0\.2=10$/m);
    expect(await invoke()).toMatchObject({ version: '1.0.2', alias: 'default', response: 'three' });

    // With a `default` alias, rollback moves it: instantly, no new version.
    const rollback = jsonOf(await runCli(['rollback', 'cli-aliases', '-o', 'json'], { env }));
    expect(rollback).toMatchObject({ alias: 'default', from: '1.0.2', rolledBackTo: '1.0.1', method: 'alias' });
    expect(await invoke()).toMatchObject({ version: '1.0.1', alias: 'default', response: 'two' });
    expect(jsonOf(await runCli(['versions', 'cli-aliases', '-o', 'json'], { env })).latest).toBe('1.0.2');
    // --alias names another alias, --to the version.
    expect(jsonOf(await runCli(['rollback', 'cli-aliases', '--alias', 'prod', '--to', '1.0.0', '-o', 'json'], { env }))).toMatchObject({
      alias: 'prod',
      from: '1.0.1',
      rolledBackTo: '1.0.0',
    });
    expect(jsonOf(await runCli(['alias', 'list', 'cli-aliases', '-o', 'json'], { env })).aliases[1].routes).toEqual([{ version: '1.0.0', weight: 100 }]);
    const missing = await runCli(['rollback', 'cli-aliases', '--alias', 'staging'], { env });
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining('has no alias staging')]);

    const bad = await runCli(['alias', 'set', 'cli-aliases', 'prod', '1.0.0=60', '1.0.1=30', '-o', 'json'], { env });
    expect(bad.code).toBe(5);
    expect(jsonOf(bad).error.code).toBe('BAD_USER_INPUT');
    expect((await runCli(['alias', 'set', 'cli-aliases', 'prod', '1.0.0', '1.0.1'], { env })).code).toBe(2);

    expect(jsonOf(await runCli(['alias', 'delete', 'cli-aliases', 'default', '-o', 'json'], { env }))).toMatchObject({ deleted: 'default' });
    expect((await runCli(['alias', 'delete', 'cli-aliases', 'default'], { env })).code).toBe(5);
    expect(await invoke()).toMatchObject({ version: '1.0.2', alias: null });
    // Without a `default` alias (and no --alias), rollback re-deploys the older code as before.
    expect(jsonOf(await runCli(['rollback', 'cli-aliases', '-o', 'json'], { env }))).toMatchObject({
      method: 'redeployed-as-new-version',
      rolledBackTo: '1.0.1',
    });
  });

  it('prints the latest logs without --follow', async () => {
    const json = jsonOf(await runCli(['logs', 'cli-hello', '-o', 'json'], { env }));
    expect(json.function.name).toBe('cli-hello');
    const messages = json.invocations.flatMap((invocation: any) => invocation.logs.map((line: any) => line.message));
    expect(messages).toEqual(['greeting Ada from cli-hello 1.0.0', 'greeting Grace from cli-hello 1.0.0']);
    expect((await runCli(['logs', 'cli-hello'], { env })).stdout).toMatch(/STDOUT\s+greeting Grace from cli-hello/);
  });

  it('logs in (checked with `me`, stored 0600), creates, lists and revokes keys', async () => {
    const configHome = folder('config');
    const login = await runCli(['login', server.url, '--api-key-stdin', '-o', 'json'], { env: { XDG_CONFIG_HOME: configHome }, input: `${server.adminKey}\n` });
    expect(login.code).toBe(0);
    expect(jsonOf(login)).toMatchObject({ url: server.url, kind: 'apiKey', roles: ['admin'] });
    const file = join(configHome, 'fngraph', 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(configHome, 'fngraph')).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ url: server.url, apiKey: server.adminKey });

    // Without FNGRAPH_* in the environment, the stored login is used.
    const stored = { XDG_CONFIG_HOME: configHome };
    const created = jsonOf(await runCli(['keys', 'create', 'ci-deployer', '--role', 'developer', '-o', 'json'], { env: stored }));
    expect(created.secret).toMatch(/^fng_/);
    expect(created.apiKey).toMatchObject({ name: 'ci-deployer', roles: ['developer'] });
    const listed = jsonOf(await runCli(['keys', 'list', '-o', 'json'], { env: stored }));
    expect(listed.keys.map((key: any) => key.id)).toContain(created.apiKey.id);

    // The new key works through FNGRAPH_API_KEY, until it is revoked.
    const asDeployer = { XDG_CONFIG_HOME: configHome, FNGRAPH_URL: server.url, FNGRAPH_API_KEY: created.secret };
    expect((await runCli(['versions', 'cli-hello'], { env: asDeployer })).code).toBe(0);
    const revoked = jsonOf(await runCli(['keys', 'revoke', created.apiKey.id, '-o', 'json'], { env: stored }));
    expect(revoked.apiKey.revokedAt).toBeTruthy();
    const refused = await runCli(['versions', 'cli-hello', '-o', 'json'], { env: asDeployer });
    expect(refused.code).toBe(3);
    expect(jsonOf(refused).error).toMatchObject({ code: 'UNAUTHENTICATED', exitCode: 3 });
  });

  it('exit codes and messages: bad key (3), unreachable server (4), usage (2), refused (5)', async () => {
    const badKey = await runCli(['versions', 'cli-hello'], {
      env: { ...env, FNGRAPH_API_KEY: 'fng_nottherightkey_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    });
    expect(badKey.code).toBe(3);
    expect(badKey.stderr).toMatch(/^fngraph: .+\(run `fngraph login`, or set FNGRAPH_API_KEY\)\n$/);
    expectNoStack(badKey.stderr);
    const badLogin = await runCli(['login', server.url, '--api-key-stdin'], { env: { XDG_CONFIG_HOME: folder('config') }, input: 'fng_bad_key' });
    expect(badLogin.code).toBe(3);

    const port = await freePort();
    const deployable = folder('unreachable');
    writeFileSync(join(deployable, 'fngraph.yaml'), 'name: cli-unreachable\n');
    writeFileSync(join(deployable, 'index.js'), 'export default async () => 1;\n');
    const unreachable = await runCli(['deploy', '-o', 'json'], { cwd: deployable, env: { ...env, FNGRAPH_URL: `http://127.0.0.1:${port}` } });
    expect(unreachable.code).toBe(4);
    expect(jsonOf(unreachable)).toEqual({
      error: { code: 'NETWORK_ERROR', message: `Cannot reach http://127.0.0.1:${port}: ECONNREFUSED`, exitCode: 4 },
    });
    const versionsUnreachable = await runCli(['versions', 'cli-hello'], { env: { ...env, FNGRAPH_URL: `http://127.0.0.1:${port}` } });
    expect([versionsUnreachable.code, versionsUnreachable.stdout, versionsUnreachable.stderr]).toEqual([
      4,
      '',
      `fngraph: Cannot reach http://127.0.0.1:${port}: ECONNREFUSED\n`,
    ]);
    const followUnreachable = await runCli(['logs', 'cli-hello', '--follow'], { env: { ...env, FNGRAPH_URL: `http://127.0.0.1:${port}` } });
    expect(followUnreachable.code).toBe(4);

    const usage = await runCli(['invoke'], { env });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("missing required argument 'name'");
    const noManifest = await runCli(['deploy', '-o', 'json'], { cwd: folder('empty'), env });
    expect([noManifest.code, jsonOf(noManifest).error.code]).toEqual([2, 'USAGE']);
    const badManifest = folder('typo');
    writeFileSync(join(badManifest, 'fngraph.yaml'), 'name: x\nlimts: {}\n');
    const typo = await runCli(['deploy', badManifest], { env });
    expect([typo.code, typo.stderr]).toEqual([
      2,
      'fngraph: fngraph.yaml: unknown key limts (allowed: name, description, language, runtime, handler, version, tags, env, permissions, limits, schedules, eventFormat, network, dependencies, contract, allowBreakingChanges)\n',
    ]);

    // scripts/tail-logs.mjs (on the SDK) says what went wrong instead of `{}`.
    const tail = spawnSync(process.execPath, ['scripts/tail-logs.mjs', 'some-invocation', '--url', server.url], {
      env: { PATH: process.env.PATH, FNGRAPH_KEY: 'fng_bad_key' },
    });
    expect([tail.status, tail.stderr.toString()]).toEqual([3, expect.stringMatching(/^tail-logs: .*\(close code 4401\) \(UNAUTHENTICATED\)\n$/)]);

    const missing = await runCli(['invoke', 'cli-nowhere', '-o', 'json'], { env });
    expect(missing.code).toBe(5);
    expect(jsonOf(missing).error).toMatchObject({ code: 'NOT_FOUND', exitCode: 5 });
    expectNoStack(missing.stderr);
  });

  it('an invocation that fails exits 1 with the error', async () => {
    const dir = folder('throws');
    writeFileSync(join(dir, 'fngraph.yaml'), 'name: cli-throws\n');
    writeFileSync(join(dir, 'index.js'), 'export default async () => { console.log("about to fail"); throw new TypeError("nope"); };\n');
    expect((await runCli(['deploy'], { cwd: dir, env })).code).toBe(0);
    const text = await runCli(['invoke', 'cli-throws', '--follow'], { env });
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('about to fail');
    // Invoked queued (to follow it), it was retried as the function's retry policy says, then dead-lettered.
    expect(text.stdout).toMatch(/Invocation \S+ DEAD_LETTERED: TypeError: nope/);
    const json = await runCli(['invoke', 'cli-throws', '-o', 'json'], { env });
    expect(json.code).toBe(1);
    expect(jsonOf(json).invocation).toMatchObject({ status: 'FAILED', error: { type: 'TypeError', message: 'nope' } });
  });

  it('dev redeploys on change and tails the logs', async () => {
    const dir = folder('dev');
    writeFileSync(join(dir, 'fngraph.yaml'), 'name: cli-dev\n');
    writeFileSync(join(dir, 'index.js'), 'export default async () => { console.log("dev one"); return 1; };\n');
    const dev = startCli(['dev', '-o', 'json'], { cwd: dir, env });
    try {
      const deploys = () =>
        dev
          .stdout()
          .split('\n')
          .filter((line) => line.includes('"type":"deploy"')).length;
      await dev.waitFor((_, stderr) => deploys() === 1 && stderr.includes('Watching'), 'the first deploy');
      writeFileSync(join(dir, 'index.js'), 'export default async () => { console.log("dev two"); return 2; };\n');
      await dev.waitFor(() => deploys() === 2, 'the redeploy');
      expect(jsonOf(await runCli(['invoke', 'cli-dev', '-o', 'json'], { env })).invocation.response).toBe(2);
      await dev.waitFor((stdout) => stdout.includes('"message":"dev two"'), 'the log line');
    } finally {
      expect(await dev.stop()).toBe(0);
    }
    const events = dev
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.filter((event) => event.type === 'deploy').map((event) => event.version)).toEqual(['1.0.0', '1.0.1']);
  });
});

async function graphql(server: CliTestServer, query: string): Promise<any> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminKey}` },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as any;
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}
