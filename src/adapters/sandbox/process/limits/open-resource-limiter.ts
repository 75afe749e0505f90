import type { SandboxConfig } from '@/kernel/config/app-config.js';
import { findExecutable } from '@/adapters/sandbox/process/find-executable.js';
import { CgroupV1Limiter } from './cgroup-v1.limiter.js';
import { CgroupV2Limiter } from './cgroup-v2.limiter.js';
import { discoverOwnCgroups, type OwnCgroups } from '@/adapters/sandbox/cgroups/cgroup-discovery.js';
import type { ResourceLimiter } from './resource-limiter.js';
import { NoLimiter, RlimitLimiter } from './rlimit.limiter.js';

/**
 * Picks how sandbox limits are enforced: cgroups (v1, else v2) when writable, else
 * rlimits, else nothing. `cgroup` and `rlimit` modes insist on that mechanism.
 */
export async function openResourceLimiter(
  mode: SandboxConfig['limits'],
  ownUserNamespace: boolean,
  discover: () => OwnCgroups = discoverOwnCgroups,
): Promise<ResourceLimiter> {
  if (mode !== 'rlimit') {
    const own = safely(discover);
    const cgroups = own && ((await CgroupV1Limiter.open(own.v1)) ?? (await CgroupV2Limiter.open(own.v2)));
    if (cgroups) return cgroups;
    if (mode === 'cgroup') throw new Error('FNGRAPH_SANDBOX_LIMITS=cgroup, but no writable cgroup v1 memory hierarchy or delegated cgroup v2 was found');
  }
  const prlimit = findExecutable('prlimit');
  if (prlimit) return new RlimitLimiter(prlimit, ownUserNamespace);
  if (mode === 'rlimit') throw new Error('FNGRAPH_SANDBOX_LIMITS=rlimit, but prlimit (util-linux) is not installed');
  return new NoLimiter();
}

function safely(discover: () => OwnCgroups): OwnCgroups | null {
  try {
    return discover();
  } catch {
    return null;
  }
}
