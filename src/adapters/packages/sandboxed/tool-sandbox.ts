import { realpathSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import { SHIMS_DIR } from '@/modules/runtimes/shim-paths.js';
import { type BwrapLayout, bwrapArguments } from '@/adapters/sandbox/process/bwrap-arguments.js';
import { bubblewrapFeatures, probeBubblewrap } from '@/adapters/sandbox/process/bubblewrap.js';
import { findExecutable } from '@/adapters/sandbox/process/find-executable.js';
import { packageRoot } from '@/adapters/sandbox/process/package-root.js';
import { unreachableReason } from '@/adapters/sandbox/process/reachability.js';
import { planFilesystem } from '@/adapters/sandbox/process/sandbox-filesystem.js';
import { type HostCommandResult, runHostCommand } from '@/adapters/packages/host-command.js';
import { chownTree, reclaimTree } from './chown-tree.js';

/** Where a tool sees its work folder under bubblewrap. */
export const TOOL_WORK_DIR = '/build';
/** Inside a work folder: the tool's HOME and TMPDIR, removed before the folder is published. */
export const SCRATCH_DIR = '.fngraph-build';
/** What a tool needs for TLS to its registry, bound read-only when it has the network. */
const CERTIFICATE_DIRS = ['/etc/ssl', '/etc/ca-certificates', '/etc/pki'];
const MiB = 1024 * 1024;

export type ToolName = 'node' | 'npm' | 'python';

export interface ToolRun {
  tool: ToolName;
  args: string[];
  /**
   * The host folder the tool may write (see `lend`): its working directory, bound at
   * `/build` (so relative paths in `args` mean the same with and without bubblewrap).
   * Null: nothing writable but a private /tmp.
   */
  workDir: string | null;
  /** Keeps the host's network (to reach a registry, through the build proxy); otherwise loopback only. */
  network: boolean;
  /** The tool's whole environment besides PATH, LANG, HOME and TMPDIR. */
  env: Record<string, string>;
  /** Host files bound read-only at their own path (CA bundles named in the environment). */
  readOnlyFiles?: readonly string[];
  timeoutMs: number;
  onLine: (line: string) => void;
  signal?: AbortSignal;
  input?: string;
}

type Isolation = { kind: 'bubblewrap'; bwrap: string; layout: BwrapLayout } | { kind: 'plain' } | { kind: 'refused'; reason: string };

/**
 * Runs the host tools that handle tenants' input — npm and pip for dependency builds,
 * Python's parser for syntax checks — the way function sandboxes run: under bubblewrap
 * (new namespaces, the network only when asked for; an empty read-only root with the
 * system directories, the tool, and the one work folder writable; nothing of the data
 * directory, /root, /etc or the server's files), with no environment but what is given,
 * as the unprivileged sandbox user when the server is root. Without bubblewrap the tool
 * runs as that user directly, after a loud warning — or not at all with
 * `FNGRAPH_REQUIRE_ISOLATION=true`.
 */
@Injectable()
export class ToolSandbox implements OnModuleInit {
  private readonly logger = new Logger(ToolSandbox.name);
  private readonly tools: Record<ToolName, string | null>;
  private isolation: Isolation | null = null;

  constructor(private readonly config: AppConfig) {
    const { dependencyBuild } = config;
    this.tools = {
      node: realpathOrNull(config.sandboxNodeBinary),
      npm: resolveTool(dependencyBuild.npmBinary),
      python: resolveTool(dependencyBuild.pythonBinary),
    };
  }

  /** Decided at start-up, so that a weak set-up is reported (or refused) before the first build. */
  onModuleInit(): void {
    this.detect();
  }

  /** The user tools run as (the server's own unless it is root). */
  get identity(): { uid: number; gid: number } | undefined {
    return process.getuid?.() === 0 ? { uid: this.config.sandbox.uid, gid: this.config.sandbox.gid } : undefined;
  }

  /** How tools are isolated here, decided on first use. */
  get mode(): Isolation['kind'] {
    return this.detect().kind;
  }

  async run(run: ToolRun): Promise<HostCommandResult> {
    const missing = (message: string): HostCommandResult => ({ code: null, timedOut: false, aborted: false, startError: new Error(message) });
    const isolation = this.detect();
    if (isolation.kind === 'refused') return missing(isolation.reason);
    // After detection, which drops tools the sandbox user cannot reach.
    const executable = this.tools[run.tool];
    if (!executable) {
      const [value, setting] = this.configured(run.tool);
      return missing(`${value} was not found, or cannot be used by sandboxed tools (${setting})`);
    }
    // A JavaScript entry point (npm-cli.js) runs under our node, not through `#!/usr/bin/env node`.
    const command =
      ['.js', '.cjs', '.mjs'].includes(extname(executable)) && this.tools.node ? [this.tools.node, executable, ...run.args] : [executable, ...run.args];
    const identity = this.identity;
    const base = isolation.kind === 'bubblewrap' ? TOOL_WORK_DIR : run.workDir;
    const env: Record<string, string> = {
      ...run.env,
      PATH: [...new Set([this.tools.node && dirname(this.tools.node), '/usr/local/bin', '/usr/bin', '/bin'].filter(Boolean))].join(':'),
      LANG: 'C.UTF-8',
      HOME: base ? join(base, SCRATCH_DIR, 'home') : '/tmp',
      TMPDIR: base ? join(base, SCRATCH_DIR, 'tmp') : '/tmp',
    };
    if (isolation.kind === 'plain') {
      return runHostCommand({ ...this.commandSpec(run, command, env), cwd: run.workDir ?? '/' });
    }
    const layout: BwrapLayout = {
      ...isolation.layout,
      binds: [...isolation.layout.binds, ...(run.network ? this.certificateBinds(run.readOnlyFiles ?? []) : [])],
      writableBinds: run.workDir ? [{ source: realpathSync(run.workDir), path: TOOL_WORK_DIR }] : [],
      network: run.network ? 'host' : 'isolated',
      chdir: run.workDir ? TOOL_WORK_DIR : '/tmp',
      env,
    };
    if (run.workDir && identity) {
      const reason = unreachableReason(realpathSync(run.workDir), identity);
      if (reason) return missing(`the sandbox user cannot reach the work folder: ${reason}`);
    }
    return runHostCommand({ ...this.commandSpec(run, [isolation.bwrap, ...bwrapArguments(layout, command)], {}), cwd: '/' });
  }

  /**
   * Makes `dir` the tools' work folder: the scratch HOME and TMPDIR inside, and the whole
   * folder (holding only what the server wrote so far) given to the sandbox user.
   */
  async lend(dir: string): Promise<void> {
    await mkdir(join(dir, SCRATCH_DIR, 'home'), { recursive: true });
    await mkdir(join(dir, SCRATCH_DIR, 'tmp'), { recursive: true });
    const identity = this.identity;
    if (identity) await chownTree(dir, identity.uid, identity.gid);
  }

  /**
   * Takes the folder back once the tools are done: everything in it belongs to the
   * server's user again (sandboxes, as the sandbox user, only ever read it), and a file
   * with other hard links — nothing a package manager makes — is removed rather than
   * given away with its other names.
   */
  async reclaim(dir: string): Promise<void> {
    if (this.identity) await reclaimTree(dir, process.getuid!(), process.getgid!());
  }

  private commandSpec(run: ToolRun, command: string[], env: Record<string, string>) {
    return {
      command: command[0]!,
      args: command.slice(1),
      env,
      timeoutMs: run.timeoutMs,
      onLine: run.onLine,
      signal: run.signal,
      input: run.input,
      identity: this.identity,
    };
  }

  private certificateBinds(files: readonly string[]): { source: string; path: string }[] {
    const binds: { source: string; path: string }[] = [];
    for (const path of [...CERTIFICATE_DIRS, ...files]) {
      const real = realpathOrNull(path);
      if (real && !binds.some((b) => b.path === path)) binds.push({ source: real, path });
    }
    return binds;
  }

  /** A tool's configured value, and the setting it comes from. */
  private configured(tool: ToolName): [string, string] {
    if (tool === 'node') return [this.config.sandboxNodeBinary, 'FNGRAPH_SANDBOX_NODE_BINARY'];
    if (tool === 'npm') return [this.config.dependencyBuild.npmBinary, 'FNGRAPH_NPM_BINARY'];
    return [this.config.dependencyBuild.pythonBinary, 'FNGRAPH_BUILD_PYTHON_BINARY'];
  }

  private detect(): Isolation {
    this.isolation ??= this.decide();
    return this.isolation;
  }

  private decide(): Isolation {
    const { sandbox } = this.config;
    const bwrap = findExecutable(sandbox.bwrapBinary);
    let problem = bwrap ? null : `bubblewrap (${sandbox.bwrapBinary}) is not installed`;
    if (bwrap && this.tools.node) {
      const layout = this.layout(bwrap);
      const probe = probeBubblewrap(bwrap, layout, [this.tools.node, '-e', '0'], this.identity ?? {});
      if (probe.ok) {
        this.logger.log(`Dependency builds and Python syntax checks: bubblewrap (${bwrap}), uid ${this.identity?.uid ?? process.getuid?.()}`);
        return { kind: 'bubblewrap', bwrap, layout };
      }
      problem = `bubblewrap (${bwrap}) does not work here: ${probe.reason}`;
    }
    const message = `${problem ?? 'no node binary'}. Dependency builds and Python syntax checks would run as plain processes (uid ${this.identity?.uid ?? process.getuid?.()}), with the host's filesystem: isolation is WEAK.`;
    if (sandbox.requireIsolation) {
      this.logger.error(`${message} Refusing them because FNGRAPH_REQUIRE_ISOLATION=true.`);
      return { kind: 'refused', reason: `tools are not run without bubblewrap (FNGRAPH_REQUIRE_ISOLATION=true): ${problem}` };
    }
    this.logger.warn(`!!! ${message} Install bubblewrap, or set FNGRAPH_REQUIRE_ISOLATION=true to refuse to run like this. !!!`);
    return { kind: 'plain' };
  }

  private layout(bwrap: string): BwrapLayout {
    const secret = [this.config.dataDir, packageRoot(SHIMS_DIR)].map((p) => realpathOrNull(p) ?? p);
    const identity = this.identity;
    for (const [tool, path] of Object.entries(this.tools) as [ToolName, string | null][]) {
      const reason = path && identity && unreachableReason(dirname(path), identity);
      if (!reason) continue;
      this.logger.warn(`${this.configured(tool).join(' ')} cannot be used by sandboxed tools: ${reason}`);
      this.tools[tool] = null;
    }
    const interpreters = Object.values(this.tools).filter((path): path is string => path !== null);
    const plan = planFilesystem({ interpreters, secret });
    return {
      readOnlyBinds: plan.readOnlyBinds,
      symlinks: plan.symlinks,
      binds: plan.binds,
      hidden: plan.hidden,
      tmpBytes: this.config.sandbox.tmpMb * MiB,
      env: {},
      features: bubblewrapFeatures(bwrap),
    };
  }
}

/**
 * A host tool by absolute path, or by name in the system binary directories (not PATH:
 * a version manager's shim under /root is no interpreter a sandbox could run); its real
 * path, since sandboxes bind directories, not links.
 */
function resolveTool(nameOrPath: string): string | null {
  const found = findExecutable(nameOrPath);
  return found ? realpathOrNull(found) : null;
}

function realpathOrNull(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}
