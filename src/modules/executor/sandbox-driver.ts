import type { Readable, Writable } from 'node:stream';
import type { RuntimeId } from '@/modules/runtimes/runtime-catalog.js';

/** What a driver needs to know to start a sandbox for one function version. */
export interface SandboxSpec {
  runtime: RuntimeId;
  memoryLimitMb: number;
  /** Label for diagnostics (process titles, container names). */
  label: string;
  /**
   * Host directory with the version's installed dependencies (content-addressed, built
   * once per distinct set), or null. Drivers expose it read-only inside the sandbox.
   */
  dependenciesDir: string | null;
  /** Host directory of the version's files (archive versions), or null. Drivers expose it read-only as the function's folder. */
  codeDir?: string | null;
  /**
   * Host directory holding the sandbox's egress gateway socket (`EGRESS_SOCKET_NAME`), or
   * null for a sandbox without network. Drivers expose it at `SANDBOX_EGRESS_DIR` and
   * tell the shim (`egressArgument`); the sandbox keeps no network interface but loopback.
   */
  egressSocketDir?: string | null;
}

export interface SandboxExit {
  code: number | null;
  signal: string | null;
  /** Whether the driver knows the sandbox hit its memory limit. */
  oomKilled: boolean;
}

/**
 * A started sandbox running a runtime shim: a byte pipe to the shim, one from it that
 * only the shim writes (`protocol`, see `shim-protocol.ts`), and the sandbox's raw
 * output. Drivers differ only in how they create and contain it.
 */
export interface SandboxHandle {
  /** Where `SandboxSpec.dependenciesDir` appears inside the sandbox (null without one). */
  readonly dependenciesPath: string | null;
  /** Where `SandboxSpec.codeDir` appears inside the sandbox (null without one). */
  readonly codePath?: string | null;
  readonly stdin: Writable;
  /** The shim's replies. */
  readonly protocol: Readable;
  /** Raw output on descriptor 1, or null where the driver merges it into `stderr` (containers spoken to over their attach stream). */
  readonly stdout: Readable | null;
  /** Raw output on descriptor 2 (and the runtime's own complaints: crashes, out of memory). */
  readonly stderr: Readable;
  readonly exited: Promise<SandboxExit>;
  /**
   * Whether the sandbox still runs, asked of the OS or engine now: cheap and synchronous,
   * checked before a sandbox is handed out, because `exited` settles a moment after a kill.
   */
  readonly running: boolean;
  /** Stops the sandbox at once (SIGKILL or container kill), frozen or not; safe to call twice. */
  kill(): void;
  /**
   * Stops every process of the sandbox from running (cgroup freezer, or SIGSTOP) while it
   * waits between invocations; `thaw` lets them run again. One file write or signal each,
   * no round trip. Absent (or a no-op) where the driver cannot: then work after returning
   * runs on, bounded only by the output budget and the limits.
   */
  freeze?(): void;
  thaw?(): void;
  /**
   * Peak memory of the whole sandbox in bytes since it started (children and buffers
   * included), or null when the driver cannot measure it. Still answers after the
   * sandbox exited (the value at its exit).
   */
  memoryPeakBytes(): Promise<number | null>;
}

/** Executor port: one adapter per isolation technology (process, Docker). */
export abstract class SandboxDriver {
  abstract readonly kind: 'process' | 'docker';
  abstract start(spec: SandboxSpec): Promise<SandboxHandle>;
  /** Runtimes this driver can start on this machine. */
  abstract availableRuntimes(): Promise<RuntimeId[]>;
  /**
   * Readiness: resolves when sandboxes can be started (e.g. the Docker engine answers a
   * ping), rejects with the reason otherwise. Cheap: `/health/ready` calls it every probe.
   */
  async check(): Promise<void> {}
  /**
   * Removes sandboxes started by the given nodes (they died without cleaning up); returns
   * how many. Only drivers whose sandboxes can outlive their node need it.
   */
  async removeOrphans(_deadNodeIds: readonly string[]): Promise<number> {
    return 0;
  }
}
