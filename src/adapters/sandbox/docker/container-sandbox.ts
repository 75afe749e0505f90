import type { Socket } from 'node:net';
import { type Duplex, PassThrough, type Readable, type Writable } from 'node:stream';
import type Docker from 'dockerode';
import { type CgroupFreezer, FreezeSwitch } from '@/adapters/sandbox/cgroups/cgroup-freezer.js';
import type { MemoryPeakProbe } from '@/adapters/sandbox/cgroups/memory-peak-probe.js';
import type { SandboxExit, SandboxHandle } from '@/modules/executor/sandbox-driver.js';

/**
 * A running sandbox container and its hijacked attach stream (stdin in, multiplexed
 * stdout/stderr out). The protocol goes over the shim's socket when it has one (`channel`,
 * see `ProtocolSocket`), the function's raw output then on stdout and stderr; without one,
 * the shim keeps the container's stdout for the protocol (`--fngraph-protocol=stdout`) and
 * points descriptors 1 and 2 at stderr, so all raw output arrives there. When the attach
 * stream closes the container has stopped: its OOM verdict is read and it is removed.
 * Killing is a forced removal. Freezing writes to the container's cgroup directly, when
 * the engine runs on this host.
 */
export class ContainerSandbox implements SandboxHandle {
  readonly protocol: Readable;
  readonly stdout: PassThrough | null;
  readonly stderr = new PassThrough();
  readonly exited: Promise<SandboxExit>;
  /** Settles once the container is removed (shortly after `exited`). */
  readonly removed: Promise<void>;
  private removal: Promise<void> | null = null;
  private killed = false;
  private ended = false;
  /** Where the version's folder is inside the container (set by the driver that mounted it). */
  codePath: string | null = null;
  private lastPeak: number | null = null;
  private readonly freezing: FreezeSwitch;

  constructor(
    docker: Docker,
    private readonly container: Docker.Container,
    private readonly stream: Duplex,
    private readonly memory: MemoryPeakProbe | null,
    readonly dependenciesPath: string | null,
    freezer: CgroupFreezer | null = null,
    private readonly channel: Socket | null = null,
  ) {
    this.freezing = new FreezeSwitch(freezer);
    const fromStdout = new PassThrough();
    this.protocol = channel ?? fromStdout;
    this.stdout = channel ? fromStdout : null;
    channel?.on('error', () => undefined);
    docker.modem.demuxStream(stream, fromStdout, this.stderr);
    stream.on('error', () => undefined);
    let markRemoved: () => void = () => undefined;
    this.removed = new Promise((resolve) => (markRemoved = resolve));
    this.exited = new Promise((resolve) => {
      let closed = false;
      const onClose = () => {
        if (closed) return;
        closed = true;
        fromStdout.end();
        this.stderr.end();
        void this.finish().then((exit) => {
          resolve(exit);
          void this.remove().then(markRemoved);
        });
      };
      stream.once('end', onClose);
      stream.once('close', onClose);
    });
  }

  get stdin(): Writable {
    return this.channel ?? this.stream;
  }

  get running(): boolean {
    // The attach stream closes with the container, a moment before `exited` settles.
    if (this.ended || this.killed || this.stream.destroyed || this.stream.readableEnded) return false;
    // Killed while frozen (`docker kill`, the OOM killer), it only dies when thawed: ask its cgroup.
    return !this.freezing.killedWhileFrozen();
  }

  freeze(): void {
    if (!this.running) return;
    try {
      this.freezing.freeze();
    } catch {
      // The container is going away.
    }
  }

  thaw(): void {
    try {
      this.freezing.thaw();
    } catch {
      // Gone.
    }
  }

  kill(): void {
    if (this.killed || this.ended) return;
    this.killed = true;
    // Frozen tasks (cgroup v1) would not die of the engine's SIGKILL until thawed.
    this.thaw();
    void this.remove();
  }

  async memoryPeakBytes(): Promise<number | null> {
    if (!this.ended) this.lastPeak = this.memory?.peak() ?? null;
    // The container's cgroup disappears with it: after the end, the last reading.
    return this.lastPeak;
  }

  private async finish(): Promise<SandboxExit> {
    this.ended = true;
    let exit: SandboxExit = { code: null, signal: this.killed ? 'SIGKILL' : null, oomKilled: false };
    if (!this.killed) {
      try {
        const { State } = await this.container.inspect();
        exit = { code: State.ExitCode, signal: null, oomKilled: State.OOMKilled };
      } catch {
        // Removed meanwhile.
      }
    }
    return exit;
  }

  /** Force-removes the container once, however many times it is asked. */
  private remove(): Promise<void> {
    this.removal ??= this.container.remove({ force: true }).then(
      () => undefined,
      () => undefined,
    );
    return this.removal;
  }
}
