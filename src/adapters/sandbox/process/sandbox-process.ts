import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { SandboxExit, SandboxHandle } from '@/modules/executor/sandbox-driver.js';
import { isProcessRunning } from '@/adapters/sandbox/process-alive.js';
import { PROTOCOL_FD } from '@/modules/executor/shim-protocol.js';
import type { SandboxLimits } from './limits/resource-limiter.js';

/**
 * How often `running` asks the kernel at most. A pool asks on every hand-out and return,
 * many times a second under load; a sandbox that died unseen in between fails to take its
 * invocation, which then goes to another sandbox (`InvocationNotDeliveredError`).
 */
const KERNEL_CHECK_INTERVAL_MS = 100;

/**
 * A sandbox that is a child process (bubblewrap, or the interpreter itself) with its
 * limits. When the process exits, whatever is left under the limits is killed, the
 * OOM verdict and peak memory are read, and the limits are removed. It is frozen by its
 * cgroup's freezer, or else, given its process group, by SIGSTOP.
 */
export class SandboxProcess implements SandboxHandle {
  readonly exited: Promise<SandboxExit>;
  /** Settles once the sandbox's cgroups are removed. */
  readonly disposed: Promise<void>;
  /** Where the version's folder is inside the sandbox (set by the driver that mounted it). */
  codePath: string | null = null;
  private ended = false;
  private peakAtExit: number | null = null;
  private stoppedBySignal = false;
  private killed = false;
  /** When the kernel was last asked whether the sandbox runs (`performance.now()`). */
  private kernelCheckedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly child: ChildProcess,
    private readonly limits: SandboxLimits,
    readonly dependenciesPath: string | null,
    private readonly killProcess: () => void,
    /** The sandbox's own process group, stopped to freeze it where there is no cgroup freezer (see `adoptProcessGroup`). */
    private processGroup: number | null,
  ) {
    let markDisposed: () => void = () => undefined;
    this.disposed = new Promise((resolve) => (markDisposed = resolve));
    this.exited = new Promise((resolve) => {
      const finish = (code: number | null, signal: string | null) => {
        if (this.ended) return;
        this.ended = true;
        this.thaw();
        limits.killAll();
        const oomKilled = limits.oomKilled();
        this.peakAtExit = limits.memoryPeakBytes();
        resolve({ code, signal, oomKilled });
        void limits.dispose().finally(markDisposed);
      };
      child.once('exit', (code, signal) => finish(code, signal));
      // Not started at all (missing binary, bad uid): no 'exit' follows.
      child.once('error', () => finish(null, null));
    });
  }

  get stdin(): Writable {
    return this.child.stdin as Writable;
  }

  get protocol(): Readable {
    return this.child.stdio[PROTOCOL_FD] as Readable;
  }

  get stdout(): Readable {
    return this.child.stdout as Readable;
  }

  get stderr(): Readable {
    return this.child.stderr as Readable;
  }

  get running(): boolean {
    const { child } = this;
    if (this.ended || this.killed || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return false;
    // Node learns of the exit a moment after the kernel does: ask the kernel. A frozen sandbox
    // killed meanwhile (say, by the OOM killer or an operator) only dies when thawed: ask its cgroup.
    const now = performance.now();
    if (now - this.kernelCheckedAt < KERNEL_CHECK_INTERVAL_MS) return true;
    this.kernelCheckedAt = now;
    return isProcessRunning(child.pid) && !this.limits.killedWhileFrozen();
  }

  /**
   * Names the sandbox's process group once known (bubblewrap reports its first process, the
   * leader of the sandbox's session). Code that starts a session of its own escapes SIGSTOP:
   * without a cgroup freezer, freezing is best effort.
   */
  adoptProcessGroup(pid: number): void {
    this.processGroup = pid;
  }

  freeze(): void {
    // Never after a kill: a task frozen by cgroup v1 would not die.
    if (this.ended || this.killed) return;
    try {
      if (this.limits.freeze()) return;
      if (this.processGroup === null) return;
      process.kill(-this.processGroup, 'SIGSTOP');
      this.stoppedBySignal = true;
    } catch {
      // Exited meanwhile: nothing left to freeze.
    }
  }

  thaw(): void {
    try {
      this.limits.thaw();
      if (this.stoppedBySignal && this.processGroup !== null) {
        this.stoppedBySignal = false;
        process.kill(-this.processGroup, 'SIGCONT');
      }
    } catch {
      // Exited meanwhile.
    }
  }

  kill(): void {
    if (this.ended) return;
    this.killed = true;
    // A process frozen by a cgroup v1 freezer would not die of SIGKILL until thawed.
    this.thaw();
    try {
      this.killProcess();
    } catch {
      // Exited meanwhile.
    }
  }

  async memoryPeakBytes(): Promise<number | null> {
    return this.ended ? this.peakAtExit : this.limits.memoryPeakBytes();
  }
}
