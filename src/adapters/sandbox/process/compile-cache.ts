import { execFile } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type BwrapLayout, bwrapArguments } from './bwrap-arguments.js';

/** Where Node.js sandboxes find the compile cache (read-only), and where its build writes it. */
export const SANDBOX_COMPILE_CACHE_DIR = '/opt/fngraph/compile-cache';

/** The environment variable Node.js (22.1+) reads its compile cache directory from; earlier majors ignore it. */
export const COMPILE_CACHE_VARIABLE = 'NODE_COMPILE_CACHE';

export interface CompileCacheBuild {
  bwrap: string;
  /** The layout function sandboxes get: the shim must be compiled at the path it has in them (the cache is keyed by it). */
  layout: BwrapLayout;
  /** Host directory the server owns (emptied first). */
  hostDir: string;
  /** Each Node.js interpreter's command running the shim, as function sandboxes run it. */
  commands: readonly (readonly string[])[];
  /** The sandbox user (as root); Node.js names its cache folder after the uid that reads it. */
  identity: { uid?: number; gid?: number };
}

export type CompileCacheResult = { ok: true } | { ok: false; reason: string };

/**
 * Builds Node.js's compile cache of the shim (V8 code cache of its files): measured 4 ms
 * off each sandbox's start, about half of the shim's own start-up. It is built by the server
 * at start-up, in a sandbox of the real layout as the sandbox user (Node.js keys the cache by
 * file path, version and uid), then handed to the server's user, read-only for everyone else.
 * Sandboxes only ever get it read-only: V8 trusts a code cache that matches its source's
 * hash, so one that untrusted code could write would run its code in other functions'
 * sandboxes. Emptied at every start, it never holds anything but what this build wrote.
 */
export async function buildCompileCache({ bwrap, layout, hostDir, commands, identity }: CompileCacheBuild): Promise<CompileCacheResult> {
  try {
    rmSync(hostDir, { recursive: true, force: true });
    mkdirSync(hostDir, { recursive: true, mode: 0o755 });
    if (identity.uid !== undefined && identity.gid !== undefined) chownSync(hostDir, identity.uid, identity.gid);
    for (const command of commands) {
      const buildLayout: BwrapLayout = {
        ...layout,
        writableBinds: [{ source: hostDir, path: SANDBOX_COMPILE_CACHE_DIR }],
        env: { ...layout.env, [COMPILE_CACHE_VARIABLE]: SANDBOX_COMPILE_CACHE_DIR },
        sync: undefined,
      };
      // Without input the shim says it is ready and exits, which is when Node.js writes the cache.
      const running = run(bwrap, bwrapArguments(buildLayout, command), { env: {}, cwd: '/', timeout: 30_000, encoding: 'utf8', ...identity });
      running.child.stdin?.end();
      const { stdout } = await running;
      if (!stdout.includes('"ready"')) throw new Error(`${command[0]} did not start the shim: ${stdout.trim().slice(0, 500)}`);
    }
    sealForServer(hostDir);
    if (readdirSync(hostDir).length === 0) throw new Error('no interpreter wrote a cache (Node.js before 22.1 has none)');
    return { ok: true };
  } catch (error) {
    rmSync(hostDir, { recursive: true, force: true });
    const { message, stderr } = error as Error & { stderr?: string };
    return { ok: false, reason: stderr?.trim() ? `${message.split('\n')[0]}: ${stderr.trim().slice(0, 500)}` : message };
  }
}

const run = promisify(execFile);

/** The server's own from now on: the sandbox user that wrote it can no longer change it, even outside a sandbox. */
function sealForServer(dir: string): void {
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  const seal = (path: string, directory: boolean) => {
    if (uid !== undefined && gid !== undefined) chownSync(path, uid, gid);
    chmodSync(path, directory ? 0o755 : 0o644);
  };
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isSymbolicLink()) rmSync(path);
    else seal(path, entry.isDirectory());
  }
  seal(dir, true);
}
