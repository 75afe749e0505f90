import { type Duplex, PassThrough, type Writable } from 'node:stream';
import type Docker from 'dockerode';
import type { MemoryPeakProbe } from '@/adapters/sandbox/cgroups/memory-peak-probe.js';
import type { SandboxExit, SandboxHandle } from '@/modules/executor/sandbox-driver.js';

/**
 * A running sandbox container, spoken to over its hijacked attach stream (stdin in,
 * multiplexed stdout/stderr out). When the stream closes the container has stopped:
 * its OOM verdict is read and it is removed. Killing is a forced removal.
 */
export class ContainerSandbox implements SandboxHandle {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly exited: Promise<SandboxExit>;
  /** Settles once the container is removed (shortly after `exited`). */
  readonly removed: Promise<void>;
  private removal: Promise<void> | null = null;
  private killed = false;
  private ended = false;
  private lastPeak: number | null = null;

  constructor(
    docker: Docker,
    private readonly container: Docker.Container,
    private readonly stream: Duplex,
    private readonly memory: MemoryPeakProbe | null,
    readonly dependenciesPath: string | null,
  ) {
    docker.modem.demuxStream(stream, this.stdout, this.stderr);
    stream.on('error', () => undefined);
    let markRemoved: () => void = () => undefined;
    this.removed = new Promise((resolve) => (markRemoved = resolve));
    this.exited = new Promise((resolve) => {
      let closed = false;
      const onClose = () => {
        if (closed) return;
        closed = true;
        this.stdout.end();
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
    return this.stream;
  }

  get running(): boolean {
    // The attach stream closes with the container, a moment before `exited` settles.
    return !this.ended && !this.killed && !this.stream.destroyed && !this.stream.readableEnded;
  }

  kill(): void {
    if (this.killed || this.ended) return;
    this.killed = true;
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
