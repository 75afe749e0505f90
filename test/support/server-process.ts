import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/**
 * Test servers share one Redis: nodes of one test (one store) share a job queue, and no
 * other test's workers take their jobs.
 */
export function queueNameFor(store: string): string {
  return `test-${createHash('sha256').update(store).digest('hex').slice(0, 16)}`;
}

const MAIN = new URL('../../dist/main.js', import.meta.url).pathname;

/**
 * The built server (`npm run build`) as a separate OS process, as deployed: for tests of
 * several nodes sharing MongoDB and Redis. Resolves once it listens.
 */
export async function startServerProcess(env: Record<string, string>, options: { inheritedPipe?: boolean } = {}): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fngraph-node-'));
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      NODE_ENV: 'development',
      FNGRAPH_DATA_DIR: dataDir,
      FNGRAPH_QUEUE_NAME: queueNameFor(env.MONGODB_URI ?? dataDir),
      ...env,
    },
    // `inheritedPipe`: the server starts with an open descriptor 3, as under some launchers.
    stdio: options.inheritedPipe ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
