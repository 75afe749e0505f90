import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Services a test may stop and restart at will (the shared ones must never be touched):
 * a Redis or a FerretDB of its own, on a free loopback port, with a throwaway data dir.
 */
export interface ThrowawayService {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  dispose(): Promise<void>;
}

const REPO = new URL('../../', import.meta.url).pathname;

/** Where a FerretDB binary is: FNGRAPH_FERRETDB_BIN (set by scripts/test), the repo's, or the machine's. */
export function ferretDbBinary(): string | undefined {
  return [process.env.FNGRAPH_FERRETDB_BIN, join(REPO, '.fngraph/bin/ferretdb'), '/work/main/.fngraph/bin/ferretdb', '/tmp/ferretdb-bin'].find(
    (path): path is string => typeof path === 'string' && path !== '' && existsSync(path),
  );
}

export function redisServerBinary(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export async function throwawayRedis(binary: string): Promise<ThrowawayService> {
  const dir = mkdtempSync(join(tmpdir(), 'fngraph-redis-'));
  const port = await freePort();
  return managed(port, `redis://127.0.0.1:${port}`, dir, () =>
    spawn(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'],
      {
        stdio: 'ignore',
      },
    ),
  );
}

export async function throwawayFerretDb(binary: string): Promise<ThrowawayService> {
  const dir = mkdtempSync(join(tmpdir(), 'fngraph-ferretdb-'));
  const port = await freePort();
  return managed(port, `mongodb://127.0.0.1:${port}/`, dir, () =>
    spawn(
      binary,
      [
        '--handler=sqlite',
        `--sqlite-url=file:${dir}/`,
        `--state-dir=${dir}`,
        `--listen-addr=127.0.0.1:${port}`,
        '--telemetry=disable',
        '--debug-addr=-',
        '--log-level=ERROR',
      ],
      { stdio: 'ignore' },
    ),
  );
}

async function managed(port: number, url: string, dir: string, launch: () => ChildProcess): Promise<ThrowawayService> {
  let child: ChildProcess | null = null;
  const service: ThrowawayService = {
    port,
    url,
    async start() {
      if (child) return;
      const started = launch();
      child = started;
      started.once('exit', () => {
        if (child === started) child = null;
      });
      await waitForPort(port, true);
    },
    async stop() {
      const running = child;
      if (!running) return;
      child = null;
      if (running.exitCode === null && running.signalCode === null) {
        const exited = new Promise((resolve) => running.once('exit', resolve));
        running.kill('SIGTERM');
        await exited;
      }
      await waitForPort(port, false);
    },
    async dispose() {
      await service.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await service.start();
  return service;
}

/** A loopback port free at the moment (for settings that need a port number before the server starts). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls until the port accepts connections (`open`) or refuses them (`!open`), 20 s at most. */
async function waitForPort(port: number, open: boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const accepts = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (accepts === open) return;
    if (Date.now() > deadline) throw new Error(`port ${port} did not ${open ? 'open' : 'close'} within 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
