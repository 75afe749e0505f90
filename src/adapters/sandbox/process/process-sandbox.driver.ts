import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import { type RuntimeId, RUNTIME_IDS, runtimeDefinition } from '@/modules/runtimes/runtime-catalog.js';
import { SHIMS_DIR } from '@/modules/runtimes/shim-paths.js';
import { SandboxDriver, type SandboxHandle, type SandboxSpec } from '@/modules/executor/sandbox-driver.js';
import { SANDBOX_DEPENDENCIES_DIR, SANDBOX_EGRESS_DIR, SANDBOX_FUNCTION_DIR, SANDBOX_SHIMS_DIR } from '@/modules/executor/sandbox-paths.js';
import { egressArgument, PROTOCOL_FD, protocolArgument } from '@/modules/executor/shim-protocol.js';
import { EGRESS_SOCKET_NAME } from '@/modules/egress/egress-gateways.js';
import { EgressUnavailableError } from '@/modules/egress/network-config.js';
import { type BwrapLayout, bwrapArguments } from './bwrap-arguments.js';
import { BLOCK_FD, bubblewrapFeatures, INFO_FD, probeBubblewrap } from './bubblewrap.js';
import { buildCompileCache, COMPILE_CACHE_VARIABLE, SANDBOX_COMPILE_CACHE_DIR } from './compile-cache.js';
import { findExecutable, realpathOrNull } from './find-executable.js';
import { defaultNodeCandidates, nodeBinariesByMajor } from './node-binaries.js';
import { packageRoot } from './package-root.js';
import { openResourceLimiter } from './limits/open-resource-limiter.js';
import type { ResourceLimiter, SandboxLimits } from './limits/resource-limiter.js';
import { NoLimiter } from './limits/rlimit.limiter.js';
import { type SandboxIdentity, unreachableReason } from './reachability.js';
import { planFilesystem } from './sandbox-filesystem.js';
import { SandboxProcess } from './sandbox-process.js';

const MiB = 1024 * 1024;
/** bwrap reports the sandbox pid within milliseconds; this only guards against a hang. */
const ATTACH_TIMEOUT_MS = 10_000;

/** bubblewrap, verified to work at start-up. */
interface Isolation {
  bwrap: string;
  layout: BwrapLayout;
  /** The compile cache Node.js sandboxes get read-only (host path), once built; null until then, or when it cannot be. */
  compileCache: string | null;
}

/**
 * Sandboxes as child processes: under bubblewrap (new namespaces including network and
 * user, an empty read-only root with only system directories, the interpreter, the
 * shims and the version's dependencies, a private /tmp, no environment), as an
 * unprivileged user, limited by a cgroup per sandbox (or rlimits where cgroups are not
 * writable). Without bubblewrap it still runs sandboxes, as plain processes, and says
 * loudly that isolation is weak — or refuses with `FNGRAPH_REQUIRE_ISOLATION=true`.
 */
@Injectable()
export class ProcessSandboxDriver extends SandboxDriver implements OnModuleInit, OnApplicationShutdown {
  readonly kind = 'process' as const;
  private readonly logger = new Logger(ProcessSandboxDriver.name);
  private readonly live = new Set<SandboxProcess>();
  /** Each runtime's interpreter on this host (null: not installed). */
  private readonly interpreters: Record<RuntimeId, string | null>;
  private isolation: Isolation | null = null;
  private limiter: ResourceLimiter = new NoLimiter();
  private initialising: Promise<void> | null = null;
  private compileCacheBuilt: Promise<void> = Promise.resolve();
  private sequence = 0;

  constructor(private readonly config: AppConfig) {
    super();
    this.interpreters = interpretersOf(config);
  }

  onModuleInit(): Promise<void> {
    return this.initialise();
  }

  /** How sandboxes are isolated and limited, for logs and diagnostics. */
  get isolationSummary(): { bubblewrap: boolean; limits: ResourceLimiter['mechanism']; compileCache: boolean } {
    return { bubblewrap: this.isolation !== null, limits: this.limiter.mechanism, compileCache: (this.isolation?.compileCache ?? null) !== null };
  }

  /** Settles once the start-up's compile cache build is over, whether it worked or not. */
  compileCacheSettled(): Promise<void> {
    return this.compileCacheBuilt;
  }

  /** Sandboxes currently running. */
  get liveSandboxes(): number {
    return this.live.size;
  }

  async availableRuntimes(): Promise<RuntimeId[]> {
    return RUNTIME_IDS.filter((id) => {
      const binary = this.interpreters[id];
      return binary !== null && isExecutable(binary);
    });
  }

  /** Readiness: the interpreters and the isolation it was configured with are usable. */
  override async check(): Promise<void> {
    await this.initialise();
  }

  async start(spec: SandboxSpec): Promise<SandboxHandle> {
    await this.initialise();
    const runtime = runtimeDefinition(spec.runtime);
    const interpreter = this.interpreters[spec.runtime];
    if (!interpreter) throw new Error(`The ${runtime.interpreter} interpreter for ${spec.runtime} is not installed on this host`);
    const limits = this.limiter.create(`sandbox-${++this.sequence}`, {
      memoryBytes: spec.memoryLimitMb * MiB,
      cpus: this.config.sandbox.cpus,
      pids: this.config.sandbox.pidsLimit,
      reservedDataBytes: (runtime.reservedAddressSpaceMb ?? 0) * MiB,
    });
    let sandbox: SandboxProcess;
    try {
      sandbox = this.isolation ? await this.startIsolated(this.isolation, spec, interpreter, limits) : this.startPlain(spec, interpreter, limits);
    } catch (error) {
      limits.killAll();
      await limits.dispose();
      throw error;
    }
    this.live.add(sandbox);
    void sandbox.exited.then(() => this.live.delete(sandbox));
    return sandbox;
  }

  async onApplicationShutdown(): Promise<void> {
    const sandboxes = [...this.live];
    for (const sandbox of sandboxes) sandbox.kill();
    await Promise.all(sandboxes.map((s) => s.exited.then(() => s.disposed)));
    await this.compileCacheBuilt;
    this.limiter.close();
    this.isolation = null;
  }

  private initialise(): Promise<void> {
    this.initialising ??= this.detect();
    return this.initialising;
  }

  private async detect(): Promise<void> {
    const { sandbox } = this.config;
    if (this.nodeInterpreters().length === 0) {
      const configured = this.config.nodeBinaries
        ? `FNGRAPH_NODE_BINARIES (${this.config.nodeBinaries.join(', ')})`
        : `FNGRAPH_SANDBOX_NODE_BINARY (${this.config.sandboxNodeBinary})`;
      throw new Error(`No supported Node.js for function sandboxes (${describeNodeRuntimes(this.interpreters)}): check ${configured}`);
    }
    this.logger.log(`Node.js runtimes: ${describeNodeRuntimes(this.interpreters)}`);
    const bwrap = findExecutable(sandbox.bwrapBinary);
    let problem = bwrap ? null : `bubblewrap (${sandbox.bwrapBinary}) is not installed`;
    if (bwrap) {
      const isolation = this.prepareIsolation(bwrap);
      const node = this.nodeInterpreters()[0];
      if (!node) throw new Error('No Node.js interpreter is usable in sandboxes (FNGRAPH_SANDBOX_NODE_BINARY, FNGRAPH_NODE_BINARIES)');
      const probe = probeBubblewrap(bwrap, isolation.layout, [node, '-e', '0'], this.identity());
      if (probe.ok) {
        this.isolation = isolation;
        // In the background: sandboxes started meanwhile start without it.
        this.compileCacheBuilt = this.prepareCompileCache(isolation).then((dir) => {
          isolation.compileCache = dir;
        });
      } else problem = `bubblewrap (${bwrap}) does not work here: ${probe.reason}`;
    }
    if (problem) {
      const message = `${problem}. Function sandboxes would run as plain processes, with the host's filesystem and network: isolation is WEAK.`;
      if (sandbox.requireIsolation) throw new Error(`${message} Refusing to start because FNGRAPH_REQUIRE_ISOLATION=true.`);
      this.logger.warn(`!!! ${message} Install bubblewrap, or set FNGRAPH_REQUIRE_ISOLATION=true to refuse to run like this. !!!`);
    }
    this.limiter = await openResourceLimiter(sandbox.limits, this.isolation !== null);
    const user = this.identity().uid ?? process.getuid?.();
    const how = this.isolation ? `bubblewrap (${this.isolation.bwrap})` : 'plain processes (NO isolation)';
    const summary = `Process sandboxes: ${how}, uid ${user}; limits: ${this.limiter.describe()}`;
    if (this.limiter.mechanism === 'none') this.logger.warn(summary);
    else this.logger.log(summary);
  }

  private prepareIsolation(bwrap: string): Isolation {
    const secret = [this.config.dataDir, packageRoot(SHIMS_DIR)].map((p) => realpathOrNull(p) ?? p);
    const shimsDir = realpathSync(SHIMS_DIR);
    this.assertReachable(shimsDir, 'the fngraph installation');
    for (const [id, binary] of Object.entries(this.interpreters) as [RuntimeId, string | null][]) {
      const reason = binary && this.unreachable(dirname(binary));
      if (!reason) continue;
      // One runtime lost, not the server: the others still work.
      this.logger.warn(`The ${id} interpreter ${binary} is not usable in sandboxes: ${reason}`);
      this.interpreters[id] = null;
    }
    const interpreters = [...new Set(Object.values(this.interpreters).filter((p): p is string => p !== null))];
    const plan = planFilesystem({ interpreters, shimsDir, secret });
    const layout: BwrapLayout = {
      readOnlyBinds: plan.readOnlyBinds,
      symlinks: plan.symlinks,
      binds: plan.binds,
      hidden: plan.hidden,
      tmpBytes: this.config.sandbox.tmpMb * MiB,
      env: { HOME: '/tmp', PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' },
      features: bubblewrapFeatures(bwrap),
    };
    if (!layout.features.disableUserns) this.logger.warn(`${bwrap} is older than 0.8: functions may create user namespaces inside their sandbox`);
    return { bwrap, layout, compileCache: null };
  }

  /** Builds the shim's compile cache (see `buildCompileCache`); null, with a warning, where it cannot be. */
  private async prepareCompileCache({ bwrap, layout }: Isolation): Promise<string | null> {
    if (!this.config.sandbox.compileCache) return null;
    const hostDir = join(this.config.dataDir, 'compile-cache');
    mkdirSync(hostDir, { recursive: true, mode: 0o755 });
    const unreachable = this.unreachable(hostDir);
    // Node.js has a compile cache from 22.1 on.
    const cached = (id: RuntimeId) => runtimeDefinition(id).interpreter === 'node' && (runtimeDefinition(id).interpreterMajor ?? 0) >= 22;
    const commands = RUNTIME_IDS.filter((id) => cached(id) && this.interpreters[id] !== null).map((id) => {
      const runtime = runtimeDefinition(id);
      return [this.interpreters[id]!, ...runtime.args(join(SANDBOX_SHIMS_DIR, runtime.shim), { memoryLimitMb: 128 }), protocolArgument({ fd: 1 })];
    });
    const built = unreachable
      ? { ok: false as const, reason: `the sandbox user cannot reach ${hostDir}: ${unreachable}` }
      : await buildCompileCache({ bwrap, layout, hostDir, commands: [...new Map(commands.map((c) => [c[0], c])).values()], identity: this.identity() });
    if (built.ok) {
      this.logger.log(`Node.js sandboxes start with a compile cache of the shim (${hostDir}, read-only in sandboxes)`);
      return hostDir;
    }
    this.logger.warn(`Node.js sandboxes start without a compile cache of the shim (slower cold starts): ${built.reason}`);
    return null;
  }

  /** Why the sandbox user cannot reach a directory bwrap must bind; only a concern when switching to that user. */
  private unreachable(dir: string): string | null {
    const identity = this.identity();
    if (identity.uid === undefined || identity.gid === undefined) return null;
    return unreachableReason(dir, identity as SandboxIdentity);
  }

  private assertReachable(dir: string, what: string): void {
    const reason = this.unreachable(dir);
    if (reason) throw new Error(`Sandboxes run as uid ${this.config.sandbox.uid} and cannot reach ${what} at ${dir}: ${reason}`);
  }

  private async startIsolated(isolation: Isolation, spec: SandboxSpec, interpreter: string, limits: SandboxLimits): Promise<SandboxProcess> {
    const runtime = runtimeDefinition(spec.runtime);
    const args = [...runtime.args(join(SANDBOX_SHIMS_DIR, runtime.shim), { memoryLimitMb: spec.memoryLimitMb }), protocolArgument({ fd: PROTOCOL_FD })];
    const binds = [...isolation.layout.binds];
    if (spec.dependenciesDir !== null) {
      const dependencies = realpathSync(spec.dependenciesDir);
      this.assertReachable(dependencies, 'the dependency cache');
      binds.push({ source: dependencies, path: SANDBOX_DEPENDENCIES_DIR });
    }
    if (spec.codeDir) {
      const code = realpathSync(spec.codeDir);
      this.assertReachable(code, "the version's code folder");
      binds.push({ source: code, path: SANDBOX_FUNCTION_DIR });
    }
    if (spec.egressSocketDir) {
      // The gateway's socket is the sandbox's only way out: its network namespace has only loopback.
      binds.push({ source: realpathSync(spec.egressSocketDir), path: SANDBOX_EGRESS_DIR });
      args.push(egressArgument(join(SANDBOX_EGRESS_DIR, EGRESS_SOCKET_NAME)));
    }
    let env = isolation.layout.env;
    if (isolation.compileCache !== null && runtime.interpreter === 'node') {
      // Read-only, as every bind: see `buildCompileCache`.
      binds.push({ source: isolation.compileCache, path: SANDBOX_COMPILE_CACHE_DIR });
      env = { ...env, [COMPILE_CACHE_VARIABLE]: SANDBOX_COMPILE_CACHE_DIR };
    }
    // bwrap always reports the sandbox's first process (its process group is the sandbox's,
    // stopped to freeze it without a cgroup freezer); only limits that must be joined before
    // the command runs need bwrap to wait for us.
    const sync = limits.needsAttach ? { infoFd: INFO_FD, blockFd: BLOCK_FD } : { infoFd: INFO_FD };
    const layout = { ...isolation.layout, binds, env, sync };
    const child = spawn(isolation.bwrap, bwrapArguments(layout, [...limits.commandPrefix, interpreter, ...args]), {
      env: {},
      cwd: '/',
      // The protocol pipe at PROTOCOL_FD (bwrap passes it through), then bwrap's own sync descriptors.
      stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe', sync.blockFd === undefined ? 'ignore' : 'pipe'],
      ...this.identity(),
    });
    // Killing bwrap kills the sandbox: --die-with-parent, and its pid namespace dies with its init.
    const dependenciesPath = spec.dependenciesDir === null ? null : SANDBOX_DEPENDENCIES_DIR;
    const sandbox = new SandboxProcess(child, limits, dependenciesPath, () => child.kill('SIGKILL'), null);
    sandbox.codePath = spec.codeDir ? SANDBOX_FUNCTION_DIR : null;
    await releaseWhenAttached(child, (pid) => {
      if (limits.needsAttach) limits.attach(pid);
      // The namespace's first process leads the sandbox's session (bwrap --new-session).
      sandbox.adoptProcessGroup(pid);
    });
    return sandbox;
  }

  /** Without bubblewrap: the interpreter itself, in its own process group, as the sandbox user. */
  private startPlain(spec: SandboxSpec, interpreter: string, limits: SandboxLimits): SandboxProcess {
    if (spec.egressSocketDir) {
      // A plain process shares the host's network: no egress policy could be enforced on it.
      throw new EgressUnavailableError(
        'This function has network access (executionConfig.network), which needs bubblewrap: without it sandboxes share the host network and its egress policy cannot be enforced',
      );
    }
    const runtime = runtimeDefinition(spec.runtime);
    const args = [...runtime.args(join(SHIMS_DIR, runtime.shim), { memoryLimitMb: spec.memoryLimitMb }), protocolArgument({ fd: PROTOCOL_FD })];
    const [binary, ...rest] = [...limits.commandPrefix, interpreter, ...args];
    const child = spawn(binary, rest, { env: {}, cwd: '/', stdio: ['pipe', 'pipe', 'pipe', 'pipe'], detached: true, ...this.identity() });
    const group = child.pid ?? 0;
    const sandbox = new SandboxProcess(child, limits, spec.dependenciesDir, () => process.kill(-group, 'SIGKILL'), group || null);
    sandbox.codePath = spec.codeDir ?? null;
    // The shim runs no function code before our `load` frame, so attaching now is in time.
    if (limits.needsAttach && child.pid !== undefined) {
      try {
        limits.attach(child.pid);
      } catch (error) {
        sandbox.kill();
        throw error;
      }
    }
    return sandbox;
  }

  /** The Node.js binaries of the runtimes this host has, newest first. */
  private nodeInterpreters(): string[] {
    return RUNTIME_IDS.filter((id) => runtimeDefinition(id).interpreter === 'node')
      .map((id) => this.interpreters[id])
      .filter((p): p is string => p !== null);
  }

  /** As root, sandboxes run as the configured unprivileged user. */
  private identity(): { uid?: number; gid?: number } {
    return process.getuid?.() === 0 ? { uid: this.config.sandbox.uid, gid: this.config.sandbox.gid } : {};
  }
}

/**
 * bwrap reports the sandbox's first process on the info descriptor, then waits on the
 * block descriptor: the process joins its cgroups before any of its children exist.
 * A bwrap that fails early just exits; the shim connection then reports its stderr.
 */
function releaseWhenAttached(child: ChildProcess, attach: (pid: number) => void): Promise<void> {
  const stdio = child.stdio as unknown as Array<Readable | Writable | null>;
  const info = stdio[INFO_FD] as Readable;
  const block = stdio[BLOCK_FD] as Writable | null;
  block?.on('error', () => undefined);
  info.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (error?: Error) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      // Drained, not destroyed: bwrap dies of SIGPIPE if it writes to a closed descriptor.
      info.removeAllListeners('data');
      info.resume();
      if (error) {
        child.kill('SIGKILL');
        reject(error);
      } else resolve();
    };
    const onExit = () => done();
    const timer = setTimeout(() => done(new Error('bubblewrap did not report the sandbox process in time')), ATTACH_TIMEOUT_MS);
    child.once('exit', onExit);
    info.setEncoding('utf8');
    info.on('data', (chunk: string) => {
      text += chunk;
      let pid: unknown;
      try {
        pid = (JSON.parse(text) as { 'child-pid'?: unknown })['child-pid'];
      } catch {
        return; // Not complete yet.
      }
      try {
        if (typeof pid !== 'number') throw new Error(`bubblewrap reported no child pid: ${text}`);
        attach(pid);
        block?.end('1');
        done();
      } catch (error) {
        done(error as Error);
      }
    });
  });
}

/**
 * Each runtime's interpreter: Node.js by major (FNGRAPH_NODE_BINARIES, else the sandbox
 * Node.js, the majors the scripts installed, the system's), Python as configured.
 */
function interpretersOf(config: AppConfig): Record<RuntimeId, string | null> {
  const nodes = nodeBinariesByMajor(config.nodeBinaries ?? defaultNodeCandidates(config.sandboxNodeBinary, packageRoot(SHIMS_DIR)));
  const python = realpathOrNull(config.sandboxPythonBinary);
  const entries = RUNTIME_IDS.map((id) => {
    const { interpreter, interpreterMajor } = runtimeDefinition(id);
    return [id, interpreter === 'python3' ? python : (nodes.get(interpreterMajor ?? -1) ?? null)] as const;
  });
  return Object.fromEntries(entries) as Record<RuntimeId, string | null>;
}

function describeNodeRuntimes(interpreters: Record<RuntimeId, string | null>): string {
  const lines = RUNTIME_IDS.filter((id) => runtimeDefinition(id).interpreter === 'node').map((id) => {
    const binary = interpreters[id];
    if (!binary) return `${id} not installed`;
    return runtimeDefinition(id).deprecation ? `${id} ${binary} (deprecated)` : `${id} ${binary}`;
  });
  return lines.join(', ');
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
