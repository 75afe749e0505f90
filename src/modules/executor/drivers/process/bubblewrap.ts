import { spawnSync } from 'node:child_process';
import { type BwrapLayout, bwrapArguments } from './bwrap-arguments.js';

/** The first child descriptor used for directory binds (0-2 stdio, 3 info, 4 block). */
export const FIRST_BIND_FD = 5;
export const INFO_FD = 3;
export const BLOCK_FD = 4;

export interface BubblewrapProbe {
  ok: boolean;
  /** Why it cannot be used (bwrap's own message). */
  reason?: string;
}

/**
 * Runs `interpreter -e 0`-style `probeCommand` in a sandbox with the real layout, as the
 * sandbox user: catches kernels without unprivileged user namespaces, a missing
 * `--disable-userns`, unreadable binds... once at start-up rather than at every cold start.
 */
export function probeBubblewrap(
  bwrap: string,
  layout: BwrapLayout,
  descriptors: number[],
  probeCommand: string[],
  identity: { uid?: number; gid?: number },
): BubblewrapProbe {
  const args = bwrapArguments(
    { ...layout, descriptorBinds: layout.descriptorBinds, sync: undefined },
    probeCommand,
  );
  const result = spawnSync(bwrap, args, {
    env: {},
    cwd: '/',
    stdio: ['ignore', 'pipe', 'pipe', 'ignore', 'ignore', ...descriptors],
    timeout: 15_000,
    encoding: 'utf8',
    ...identity,
  });
  if (result.error) return { ok: false, reason: result.error.message };
  if (result.status !== 0) return { ok: false, reason: (result.stderr || `exit status ${result.status ?? result.signal}`).trim() };
  return { ok: true };
}
