import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newApiKeyToken, rememberAdminKey } from './credentials.js';
import { type ServerProcess, startServerProcess } from './server-process.js';

/** The `fngraph` command (its launcher), and the build it runs (`npm run build:packages`, which scripts/test runs before vitest). */
export const CLI_MAIN = new URL('../../cli/bin/fngraph.js', import.meta.url).pathname;
const CLI_BUILD = new URL('../../cli/dist/main.js', import.meta.url).pathname;
/** The packed SDK and CLI tarballs (`npm run build:packages`). */
export const PACKAGES_DIR = new URL('../../.fngraph/packages/', import.meta.url).pathname;

export function assertCliBuilt(): void {
  if (!existsSync(CLI_BUILD)) throw new Error(`${CLI_BUILD} is missing: run \`npm run build:packages\` (scripts/test does) before these tests`);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The one JSON document a command printed with `--output json`. */
export function jsonOf(result: CliResult): any {
  const lines = result.stdout.trim().split('\n');
  if (lines.length !== 1) throw new Error(`expected one JSON document on stdout, got:\n${result.stdout}\nstderr:\n${result.stderr}`);
  return JSON.parse(lines[0]!);
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Written to stdin, then closed; without it stdin is /dev/null. */
  input?: string;
}

/** An environment for the CLI with only what it needs (no FNGRAPH_* of the test run leaks in). */
function cliEnvironment(env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  for (const [name, value] of Object.entries(env)) if (value !== undefined) base[name] = value;
  return base;
}

/** A running CLI process (for `logs --follow`, `dev`). */
export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout+stderr satisfy `test`; rejects if the process exits first. */
  waitFor(test: (stdout: string, stderr: string) => boolean, what: string): Promise<void>;
  /** SIGINT, then the exit code. */
  stop(): Promise<number | null>;
}

export function startCli(args: string[], options: CliOptions = {}): CliProcess {
  assertCliBuilt();
  const child = spawn(process.execPath, [CLI_MAIN, ...args], {
    cwd: options.cwd,
    env: cliEnvironment(options.env),
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (options.input !== undefined) child.stdin!.end(options.input);
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((waiter) => waiter());
  child.stdout!.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), notify()));
  child.stderr!.on('data', (chunk: Buffer) => ((stderr += chunk.toString()), notify()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => (notify(), resolve(code))));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor(test, what) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (test(stdout, stderr)) {
            waiters.delete(check);
            resolve();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            waiters.delete(check);
            reject(new Error(`fngraph ${args.join(' ')} exited (${child.exitCode}) before ${what}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}

/** Runs `fngraph <args>` to its end. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const cli = startCli(args, options);
  const code = await new Promise<number | null>((resolve) => cli.child.once('close', (exitCode) => resolve(exitCode)));
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A server process (dist/main.js) on a fixed port and data directory, so that it can be restarted in place. */
export interface CliTestServer {
  url: string;
  adminKey: string;
  dataDir: string;
  process: ServerProcess;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startCliTestServer(env: Record<string, string> = {}): Promise<CliTestServer> {
  const adminKey = newApiKeyToken();
  const dataDir = mkdtempSync(join(tmpdir(), 'fngraph-cli-server-'));
  // Traversable, not listable: sandboxes run as another user and reach the dependency cache inside.
  chmodSync(dataDir, 0o711);
  const fixed = {
    PORT: String(await freePort()),
    FNGRAPH_DATA_DIR: dataDir,
    FNGRAPH_BOOTSTRAP_ADMIN_KEY: adminKey,
    FNGRAPH_MASTER_KEY: randomBytes(32).toString('base64'),
    FNGRAPH_RATE_LIMIT_REQUESTS: '0',
    FNGRAPH_RATE_LIMIT_ANONYMOUS_REQUESTS: '0',
    ...env,
  };
  const server: CliTestServer = {
    url: '',
    adminKey,
    dataDir,
    process: await startServerProcess(fixed),
    async restart() {
      await server.process.stop();
      server.process = await startServerProcess(fixed);
    },
    async stop() {
      await server.process.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  server.url = server.process.url;
  rememberAdminKey(server.url, adminKey);
  return server;
}

/** A fresh config home (XDG_CONFIG_HOME) and the environment to reach `server` as its admin. */
export function adminEnvironment(server: { url: string; adminKey: string }): Record<string, string> {
  return { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'fngraph-cli-config-')), FNGRAPH_URL: server.url, FNGRAPH_API_KEY: server.adminKey };
}
