import { spawnSync } from 'node:child_process';
import { type BwrapLayout, bwrapArguments } from './bwrap-arguments.js';

/**
 * Child descriptors bwrap reports the sandbox pid on, and waits on before the command.
 * After the shim's protocol descriptor (`PROTOCOL_FD`, 3), which bwrap passes through.
 */
export const INFO_FD = 4;
export const BLOCK_FD = 5;

/** Which optional options this bwrap build accepts, from its `--help`. */
export function bubblewrapFeatures(bwrap: string): BwrapLayout['features'] {
  const help = spawnSync(bwrap, ['--help'], { encoding: 'utf8', timeout: 5000 });
  const text = `${help.stdout ?? ''}${help.stderr ?? ''}`;
  return { disableUserns: text.includes('--disable-userns'), tmpfsSize: text.includes('--size') };
}

export interface BubblewrapProbe {
  ok: boolean;
  /** Why it cannot be used (bwrap's own message). */
  reason?: string;
}

/**
 * Runs `probeCommand` in a sandbox with the real layout, as the sandbox user: catches
 * kernels without unprivileged user namespaces, a bwrap without `--disable-userns`,
 * unreachable binds... once at start-up rather than at every cold start.
 */
export function probeBubblewrap(bwrap: string, layout: BwrapLayout, probeCommand: string[], identity: { uid?: number; gid?: number }): BubblewrapProbe {
  const result = spawnSync(bwrap, bwrapArguments({ ...layout, sync: undefined }, probeCommand), {
    env: {},
    cwd: '/',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 15_000,
    encoding: 'utf8',
    ...identity,
  });
  if (result.error) return { ok: false, reason: result.error.message };
  if (result.status !== 0) return { ok: false, reason: (result.stderr || `exit status ${result.status ?? result.signal}`).trim() };
  return { ok: true };
}
