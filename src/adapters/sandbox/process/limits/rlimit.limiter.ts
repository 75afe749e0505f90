import { NO_LIMITS, type ResourceLimiter, type SandboxLimits, type SandboxResources } from './resource-limiter.js';

/** Below this data limit Node.js cannot even start its threads. */
const MIN_DATA_BYTES = 64 * 1024 * 1024;

/**
 * The fallback without writable cgroups: `prlimit` sets rlimits before the interpreter
 * starts. The data-segment limit caps heap and anonymous mappings (approximately the
 * memory limit); the process-count limit is only safe when each sandbox has its own
 * user namespace (bubblewrap), since it counts every process of the user. Nothing
 * limits CPU share and nothing measures peak memory.
 */
export class RlimitLimiter implements ResourceLimiter {
  readonly mechanism = 'rlimit' as const;

  constructor(
    private readonly prlimitPath: string,
    private readonly ownUserNamespace: boolean,
  ) {}

  describe(): string {
    const nproc = this.ownUserNamespace ? ', process count' : '';
    return `rlimits via ${this.prlimitPath} (data segment${nproc}); no CPU quota, no peak memory measurement`;
  }

  create(_id: string, resources: SandboxResources): SandboxLimits {
    const data = Math.max(resources.memoryBytes, MIN_DATA_BYTES) + (resources.reservedDataBytes ?? 0);
    const prefix = [this.prlimitPath, `--data=${data}`, '--core=0'];
    if (this.ownUserNamespace) prefix.push(`--nproc=${resources.pids}`);
    return { ...NO_LIMITS, commandPrefix: [...prefix, '--'] };
  }

  close(): void {}
}

/** No limits at all (no cgroups, no prlimit): only the runtime's own heap cap applies. */
export class NoLimiter implements ResourceLimiter {
  readonly mechanism = 'none' as const;

  describe(): string {
    return 'NONE: no writable cgroups and no prlimit; only the interpreter heap cap applies';
  }

  create(): SandboxLimits {
    return NO_LIMITS;
  }

  close(): void {}
}
