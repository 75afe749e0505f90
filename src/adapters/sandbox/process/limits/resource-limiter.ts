/** The limits of one sandbox. */
export interface SandboxResources {
  memoryBytes: number;
  /** CPU time per wall-clock time, in CPUs. */
  cpus: number;
  /** Processes plus threads. */
  pids: number;
  /**
   * Writable address space the interpreter reserves without using it as data (Node.js 24's
   * 512 MiB JIT code range): counted by RLIMIT_DATA, not by cgroups, so only rlimits add it.
   */
  reservedDataBytes?: number;
}

export type LimitMechanism = 'cgroup-v1' | 'cgroup-v2' | 'rlimit' | 'none';

/** The limits applied to one sandbox's processes. */
export interface SandboxLimits {
  /** Command words to run the sandbox's command under (rlimits are set from inside). */
  readonly commandPrefix: readonly string[];
  /** Whether `attach` must be called with the sandbox's first process before it runs anything. */
  readonly needsAttach: boolean;
  /** Puts a process under the limits; its later children inherit them. */
  attach(pid: number): void;
  memoryPeakBytes(): number | null;
  /** Whether the kernel killed a process of the sandbox for exceeding the memory limit. */
  oomKilled(): boolean;
  /**
   * Freezes every process under the limits (cgroup freezer); returns false when the
   * mechanism has none. `thaw` undoes it, and does nothing when nothing is frozen.
   */
  freeze(): boolean;
  thaw(): void;
  /** Whether a frozen process under the limits was killed meanwhile (it dies once thawed). */
  killedWhileFrozen(): boolean;
  /** Kills whatever still runs under the limits (a process that outlived the sandbox). */
  killAll(): void;
  /** Removes the sandbox's cgroups; call once its processes have exited. */
  dispose(): Promise<void>;
}

/** Creates per-sandbox limits with one mechanism (cgroups v1 or v2, rlimits, nothing). */
export interface ResourceLimiter {
  readonly mechanism: LimitMechanism;
  /** For the start-up log line: what is enforced. */
  describe(): string;
  create(id: string, resources: SandboxResources): SandboxLimits;
  /** Removes the parent cgroups (sandboxes are gone by then). */
  close(): void;
}

/** Limits that measure and enforce nothing beyond what the command itself does. */
export const NO_LIMITS: SandboxLimits = {
  commandPrefix: [],
  needsAttach: false,
  attach: () => undefined,
  memoryPeakBytes: () => null,
  oomKilled: () => false,
  freeze: () => false,
  thaw: () => undefined,
  killedWhileFrozen: () => false,
  killAll: () => undefined,
  dispose: async () => undefined,
};
