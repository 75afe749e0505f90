import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import Docker from 'dockerode';
import { AppConfig } from '@/kernel/config/app-config.js';
import { cgroupFreezer, type CgroupFreezer } from '@/adapters/sandbox/cgroups/cgroup-freezer.js';
import { memoryPeakProbe, type MemoryPeakProbe } from '@/adapters/sandbox/cgroups/memory-peak-probe.js';
import { SandboxDriver, type SandboxHandle, type SandboxSpec } from '@/modules/executor/sandbox-driver.js';
import {
  SANDBOX_DEPENDENCIES_DIR,
  SANDBOX_EGRESS_DIR,
  SANDBOX_FUNCTION_DIR,
  SANDBOX_PROTOCOL_DIR,
  SANDBOX_SHIMS_DIR,
} from '@/modules/executor/sandbox-paths.js';
import { egressArgument, protocolArgument } from '@/modules/executor/shim-protocol.js';
import { EGRESS_SOCKET_NAME } from '@/modules/egress/egress-gateways.js';
import { EgressUnavailableError } from '@/modules/egress/network-config.js';
import { type RuntimeId, RUNTIME_IDS, runtimeDefinition } from '@/modules/runtimes/runtime-catalog.js';
import { SHIMS_DIR } from '@/modules/runtimes/shim-paths.js';
import { ContainerSandbox } from './container-sandbox.js';
import { PROTOCOL_SOCKET_NAME, ProtocolSocket } from './protocol-socket.js';
import { containerSpec, INSTANCE_LABEL, MANAGED_LABEL, NODE_LABEL, OWNER_LABEL } from './container-spec.js';
import { dockerConnectionOptions, isLocalEngine } from './docker-connection.js';
import { isProcessAlive } from '@/adapters/sandbox/process-alive.js';

const PING_TIMEOUT_MS = 5000;
/** A started container's shim connects to its socket in well under a second; past this, something is wrong. */
const SHIM_CONNECT_TIMEOUT_MS = 30_000;

/**
 * Sandboxes as hardened containers of the runtime images (see `containerSpec`), one per
 * sandbox, spoken to over a unix socket mounted into the container (or, where that cannot be,
 * the engine's attach stream: see `ProtocolSocket`). Containers carry this server's
 * instance label: the ones a crashed server left behind are removed at start-up, and
 * all of this server's at shutdown.
 */
@Injectable()
export class DockerSandboxDriver extends SandboxDriver implements OnModuleInit, OnApplicationShutdown {
  readonly kind = 'docker' as const;
  private readonly logger = new Logger(DockerSandboxDriver.name);
  private readonly docker: Docker;
  private readonly instanceId = randomUUID();
  private readonly owner = `${hostname()}:${process.pid}`;
  private readonly shimsDir = realpathSync(SHIMS_DIR);
  private readonly live = new Set<ContainerSandbox>();
  private initialising: Promise<void> | null = null;
  private sequence = 0;

  /**
   * Whether shims speak the protocol over a socket mounted into their container (`ProtocolSocket`):
   * the engine must run on this host to mount it, and only as root can this server give the socket
   * to the sandbox user alone.
   */
  private readonly protocolOverSocket: boolean;

  constructor(private readonly config: AppConfig) {
    super();
    this.docker = new Docker(dockerConnectionOptions(config.dockerHost));
    this.protocolOverSocket = config.dockerProtocol === 'auto' && isLocalEngine(config.dockerHost) && process.getuid?.() === 0;
  }

  onModuleInit(): Promise<void> {
    return this.initialise();
  }

  /** Containers of this server that exist (running, or stopped and not yet removed). */
  get liveSandboxes(): number {
    return this.live.size;
  }

  /** The label selecting this server's containers, for diagnostics and tests. */
  get instanceFilter(): string {
    return `${INSTANCE_LABEL}=${this.instanceId}`;
  }

  async availableRuntimes(): Promise<RuntimeId[]> {
    const present = await Promise.all(
      RUNTIME_IDS.map((id) =>
        this.docker
          .getImage(runtimeDefinition(id).image)
          .inspect()
          .then(() => true)
          .catch(() => false),
      ),
    );
    return RUNTIME_IDS.filter((_, i) => present[i]);
  }

  async start(spec: SandboxSpec): Promise<SandboxHandle> {
    await this.initialise();
    const { sandbox: settings } = this.config;
    const protocolSocket = this.protocolOverSocket ? await ProtocolSocket.listen({ uid: settings.uid, gid: settings.gid }) : null;
    try {
      return await this.startContainer(spec, protocolSocket);
    } finally {
      protocolSocket?.close();
    }
  }

  private async startContainer(spec: SandboxSpec, protocolSocket: ProtocolSocket | null): Promise<SandboxHandle> {
    const runtime = runtimeDefinition(spec.runtime);
    // Without a socket a container has only stdio: the shim takes its stdout for the protocol and moves descriptor 1 to stderr.
    const channel = protocolSocket ? { socket: join(SANDBOX_PROTOCOL_DIR, PROTOCOL_SOCKET_NAME) } : 'stdout';
    const args = [...runtime.args(join(SANDBOX_SHIMS_DIR, runtime.shim), { memoryLimitMb: spec.memoryLimitMb }), protocolArgument(channel)];
    if (spec.egressSocketDir) {
      // The gateway's socket is a host path: the engine must run on this host to mount it.
      if (!isLocalEngine(this.config.dockerHost)) {
        throw new EgressUnavailableError(
          `This function has network access (executionConfig.network), which needs a Docker engine on this host (FNGRAPH_DOCKER_HOST is ${this.config.dockerHost})`,
        );
      }
      args.push(egressArgument(join(SANDBOX_EGRESS_DIR, EGRESS_SOCKET_NAME)));
    }
    const { sandbox: settings } = this.config;
    const options = containerSpec({
      name: `fngraph-${this.instanceId.slice(0, 8)}-${++this.sequence}`,
      image: runtime.image,
      command: [runtime.interpreter, ...args],
      memoryLimitMb: spec.memoryLimitMb,
      cpus: settings.cpus,
      pidsLimit: settings.pidsLimit,
      user: `${settings.uid}:${settings.gid}`,
      tmpMb: settings.tmpMb,
      shimsDir: this.shimsDir,
      dependenciesDir: spec.dependenciesDir,
      codeDir: spec.codeDir,
      egressSocketDir: spec.egressSocketDir ?? null,
      protocolSocketDir: protocolSocket?.dir ?? null,
      labels: {
        [MANAGED_LABEL]: '1',
        [INSTANCE_LABEL]: this.instanceId,
        [OWNER_LABEL]: this.owner,
        [NODE_LABEL]: this.config.nodeId,
        'fngraph.sandbox': spec.label,
      },
    });
    let container: Docker.Container;
    try {
      container = await this.docker.createContainer(options);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) {
        throw new Error(`The runtime image ${runtime.image} is missing: build it with docker/build-runtime-images.sh`, { cause: error });
      }
      throw error;
    }
    try {
      const stream = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as Duplex;
      await container.start();
      const connection = protocolSocket ? await shimConnection(protocolSocket, stream) : null;
      const sandbox = new ContainerSandbox(
        this.docker,
        container,
        stream,
        this.memoryProbe(container.id),
        spec.dependenciesDir ? SANDBOX_DEPENDENCIES_DIR : null,
        this.freezer(container.id),
        connection,
      );
      sandbox.codePath = spec.codeDir ? SANDBOX_FUNCTION_DIR : null;
      this.live.add(sandbox);
      void sandbox.removed.then(() => this.live.delete(sandbox));
      return sandbox;
    } catch (error) {
      await container.remove({ force: true }).catch(() => undefined);
      throw error;
    }
  }

  /** Readiness: the engine answers a ping (and was set up once). */
  override async check(): Promise<void> {
    await this.initialise();
    await withTimeout(this.docker.ping(), PING_TIMEOUT_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    const sandboxes = [...this.live];
    for (const sandbox of sandboxes) sandbox.kill();
    await Promise.all(sandboxes.map((s) => s.removed));
    await this.removeContainers((labels) => labels[INSTANCE_LABEL] === this.instanceId);
  }

  override async removeOrphans(deadNodeIds: readonly string[]): Promise<number> {
    if (deadNodeIds.length === 0) return 0;
    const dead = new Set(deadNodeIds);
    const removed = await this.removeContainers((labels) => labels[NODE_LABEL] !== undefined && dead.has(labels[NODE_LABEL]));
    if (removed > 0) this.logger.warn(`Removed ${removed} sandbox container(s) of nodes that stopped answering`);
    return removed;
  }

  private initialise(): Promise<void> {
    this.initialising ??= this.connect();
    return this.initialising;
  }

  private async connect(): Promise<void> {
    try {
      await withTimeout(this.docker.ping(), PING_TIMEOUT_MS);
    } catch (error) {
      this.initialising = null;
      throw new Error(`The Docker engine at ${this.config.dockerHost} does not answer (FNGRAPH_DOCKER_HOST): ${(error as Error).message}`, { cause: error });
    }
    const [host] = this.owner.split(':');
    const stale = await this.removeContainers((labels) => {
      const [ownerHost, pid] = (labels[OWNER_LABEL] ?? '').split(':');
      return ownerHost === host && pid !== undefined && !isProcessAlive(Number(pid));
    });
    if (stale > 0) this.logger.warn(`Removed ${stale} sandbox container(s) left behind by a stopped fngraph server`);
    const runtimes = await this.availableRuntimes();
    this.logger.log(`Docker sandboxes via ${this.config.dockerHost}; runtime images present: ${runtimes.join(', ') || 'none'}`);
  }

  private async removeContainers(select: (labels: Record<string, string>) => boolean): Promise<number> {
    const containers = await this.docker.listContainers({ all: true, filters: { label: [`${MANAGED_LABEL}=1`] } });
    const chosen = containers.filter((c) => select(c.Labels ?? {}));
    await Promise.all(
      chosen.map((c) => {
        // A container a dead server left frozen (cgroup v1) would not die of the engine's SIGKILL.
        safely(() => this.fromContainerCgroup(c.Id, 'freezer', cgroupFreezer)?.thaw());
        return this.docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => undefined);
      }),
    );
    return chosen.length;
  }

  /** Peak memory straight from the container's cgroup, when the engine is on this host. */
  private memoryProbe(id: string): MemoryPeakProbe | null {
    return this.fromContainerCgroup(id, 'memory', memoryPeakProbe);
  }

  /**
   * Freezes the container between invocations through its cgroup (a file write), when the
   * engine is on this host: `docker pause` does the same through an engine round trip on
   * every call. Off with FNGRAPH_SANDBOX_FREEZE_IDLE=false.
   */
  private freezer(id: string): CgroupFreezer | null {
    return this.config.sandbox.freezeIdle ? this.fromContainerCgroup(id, 'freezer', cgroupFreezer) : null;
  }

  /** The first of the container's cgroup directories (cgroupfs or systemd driver, v1 or v2) that `use` can use. */
  private fromContainerCgroup<T>(id: string, v1Controller: string, use: (dir: string) => T | null): T | null {
    if (!isLocalEngine(this.config.dockerHost)) return null;
    const candidates = [
      `/sys/fs/cgroup/${v1Controller}/docker/${id}`,
      `/sys/fs/cgroup/${v1Controller}/system.slice/docker-${id}.scope`,
      `/sys/fs/cgroup/system.slice/docker-${id}.scope`,
      `/sys/fs/cgroup/docker/${id}`,
    ];
    for (const dir of candidates) {
      const found = use(dir);
      if (found) return found;
    }
    return null;
  }
}

/**
 * The shim's connection to its protocol socket, or an error once the container stopped
 * without making it (its attach stream ends) or did not make it in time.
 */
async function shimConnection(protocolSocket: ProtocolSocket, stream: Duplex): Promise<Socket> {
  let onEnd: () => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => {
    onEnd = () => reject(new Error('The sandbox container stopped before its shim connected'));
    stream.once('end', onEnd);
    stream.once('close', onEnd);
  });
  try {
    return await withTimeout(Promise.race([protocolSocket.connection, stopped]), SHIM_CONNECT_TIMEOUT_MS);
  } finally {
    stream.off('end', onEnd);
    stream.off('close', onEnd);
  }
}

function safely(action: () => void): void {
  try {
    action();
  } catch {
    // Best effort.
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
