import { chmod, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import { BuildLog, secretValues } from './build-log.js';
import { BuildSlots } from './build-slots.js';
import type { DependencySet } from './dependency-set.js';
import { type InstallOutcome, type PackageInstaller, PackageInstallers } from './package-installer.js';

export type DependencyBuildResult =
  | { status: 'READY'; dir: string; reused: boolean; log: string }
  | { status: 'FAILED'; log: string }
  /** The server is shutting down: nothing was decided, the build must run again later. */
  | { status: 'ABORTED'; log: string };

interface SharedBuild {
  result: Promise<DependencyBuildResult>;
  /** Lines so far, for callers that join a running build. */
  lines: string[];
  listeners: Set<(line: string) => void>;
}

const WORK_DIR_PREFIX = '.building-';
const MANIFEST_FILE = 'fngraph-dependencies.json';
/** Lines replayed to a caller joining a running build (the stored log has its own cap). */
const REPLAYED_LINES = 2000;

/**
 * Installs each distinct dependency set once into a content-addressed cache:
 * `<dataDir>/dependencies/<runtime>/<hash>/` holds `node_modules/` or `site-packages/`.
 * A set is built in a work directory beside its final place and renamed into it in one
 * step, so no reader (in this process or another server process sharing the data
 * directory) ever sees half a tree. Concurrent requests for one set share one build.
 */
@Injectable()
export class DependencyBuilder implements OnModuleDestroy {
  private readonly root: string;
  private readonly running = new Map<string, SharedBuild>();
  private readonly slots: BuildSlots;
  private readonly shutdown = new AbortController();
  private installs = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly installers: PackageInstallers,
    private readonly errors: UnexpectedErrors,
  ) {
    this.root = join(config.dataDir, 'dependencies');
    this.slots = new BuildSlots(config.dependencyBuild.concurrency);
  }

  /** Where the set lives once installed. */
  directoryFor(set: DependencySet): string {
    return join(this.root, set.runtime, set.hash);
  }

  /** Whether the set is installed on this machine (a complete tree: it appears whole). */
  async isInstalled(set: DependencySet): Promise<boolean> {
    try {
      return (await stat(this.directoryFor(set))).isDirectory();
    } catch {
      return false;
    }
  }

  /** Package manager runs started by this process (cache hits and joined builds excluded). */
  get installCount(): number {
    return this.installs;
  }

  /**
   * Makes sure the set is installed, building it unless it already is. Never rejects:
   * failures are results, with the build log that explains them.
   */
  ensure(set: DependencySet, onLine: (line: string) => void = () => undefined): Promise<DependencyBuildResult> {
    const key = `${set.runtime}/${set.hash}`;
    let build = this.running.get(key);
    if (build) {
      for (const line of build.lines) onLine(line);
      build.listeners.add(onLine);
    } else {
      // The listener goes in first: the build emits its first line before it yields.
      const lines: string[] = [];
      const listeners = new Set<(line: string) => void>([onLine]);
      const emit = (line: string) => {
        lines.push(line);
        if (lines.length > REPLAYED_LINES) lines.shift();
        for (const listener of listeners) listener(line);
      };
      const result = this.build(set, emit)
        .catch((error: unknown): DependencyBuildResult => {
          this.errors.report(error, { source: 'build', where: `dependency build ${key}` });
          emit('Build FAILED: an unexpected error on the server (see its logs)');
          return { status: 'FAILED', log: lines.join('\n') };
        })
        .finally(() => this.running.delete(key));
      build = { result, lines, listeners };
      this.running.set(key, build);
    }
    const joined = build;
    return joined.result.finally(() => joined.listeners.delete(onLine));
  }

  onModuleDestroy(): void {
    this.shutdown.abort();
  }

  private async build(set: DependencySet, emit: (line: string) => void): Promise<DependencyBuildResult> {
    const environment = this.config.dependencyBuild.environment;
    const log = new BuildLog(secretValues(environment), { [this.root]: '<dependency-cache>' });
    const say = (line: string) => emit(log.append(line));
    const installer = this.installers.of(set.manager);
    const listing = set.entries.map(([name, spec]) => (spec === '' || spec === '*' ? name : `${name}@${spec}`)).join(', ');
    say(`${set.entries.length} ${set.manager} ${set.entries.length === 1 ? 'dependency' : 'dependencies'} for ${set.runtime}: ${listing}`);

    const reuse = async (): Promise<DependencyBuildResult | null> => {
      if (!(await this.isInstalled(set))) return null;
      say(`Already installed (set ${set.hash.slice(0, 12)}); nothing to build`);
      return { status: 'READY', dir: this.directoryFor(set), reused: true, log: log.text() };
    };
    const cached = await reuse();
    if (cached) return cached;
    if (this.slots.full) say('Waiting for a free build slot');

    return this.slots.run(async () => {
      // Another process (or an earlier build in this one) may have finished meanwhile.
      const meanwhile = await reuse();
      if (meanwhile) return meanwhile;
      if (this.shutdown.signal.aborted) return { status: 'ABORTED', log: log.text() };

      const parent = join(this.root, set.runtime);
      await mkdir(parent, { recursive: true });
      await this.sweepAbandoned(parent);
      const work = await mkdtemp(join(parent, `${WORK_DIR_PREFIX}${set.hash.slice(0, 16)}-`));
      try {
        // mkdtemp makes it private; sandboxes run as another user and must read the tree.
        await chmod(work, 0o755);
        this.installs++;
        const started = performance.now();
        const outcome = await installer.install({
          set,
          dir: work,
          timeoutMs: this.config.dependencyBuild.timeoutMs,
          onLine: say,
          signal: this.shutdown.signal,
        });
        if (outcome.aborted) {
          say('Stopped: the server is shutting down; the build will run again');
          return { status: 'ABORTED', log: log.text() };
        }
        const failure = await this.failureOf(outcome, set, installer, work);
        if (failure) {
          say(`Build FAILED: ${failure}`);
          return { status: 'FAILED', log: log.text() };
        }
        await writeFile(
          join(work, MANIFEST_FILE),
          `${JSON.stringify({ runtime: set.runtime, manager: set.manager, dependencies: Object.fromEntries(set.entries), hash: set.hash, builtAt: new Date() }, null, 2)}\n`,
        );
        const moved = await this.publish(work, set);
        say(
          moved
            ? `Installed in ${((performance.now() - started) / 1000).toFixed(1)} s (set ${set.hash.slice(0, 12)})`
            : 'Another server process installed the same set first; using its copy',
        );
        return { status: 'READY', dir: this.directoryFor(set), reused: !moved, log: log.text() };
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    });
  }

  /** Why an install did not produce a usable tree, or null when it did. */
  private async failureOf(outcome: InstallOutcome, set: DependencySet, installer: PackageInstaller, work: string): Promise<string | null> {
    if (outcome.startError) return `Could not start ${set.manager}: ${outcome.startError.message}`;
    if (outcome.refusal) return outcome.refusal;
    if (outcome.timedOut) return `Stopped after ${this.config.dependencyBuild.timeoutMs / 1000} s (FNGRAPH_DEPENDENCY_BUILD_TIMEOUT_SECONDS)`;
    if (outcome.code !== 0) return `${set.manager} exited with code ${outcome.code}`;
    if (!(await isDirectory(join(work, installer.modulesDir)))) return `${set.manager} finished without creating ${installer.modulesDir}/`;
    return null;
  }

  /** Moves a finished tree into place; false when another process got there first. */
  private async publish(work: string, set: DependencySet): Promise<boolean> {
    try {
      await rename(work, this.directoryFor(set));
      return true;
    } catch (error) {
      if (await this.isInstalled(set)) return false;
      throw error;
    }
  }

  /** Work directories left by a crashed server, old enough that no build can still own them. */
  private async sweepAbandoned(parent: string): Promise<void> {
    const cutoff = Date.now() - 2 * this.config.dependencyBuild.timeoutMs - 60_000;
    for (const entry of await readdir(parent).catch(() => [] as string[])) {
      if (!entry.startsWith(WORK_DIR_PREFIX)) continue;
      const path = join(parent, entry);
      const info = await stat(path).catch(() => null);
      if (info && info.mtimeMs < cutoff) await rm(path, { recursive: true, force: true }).catch(() => undefined);
    }
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
