import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Logger, Optional, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { FunctionNotReadyError } from '@/kernel/errors/domain-error.js';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import { EventBus } from '@/kernel/events/event-bus.js';
import type { EventChannel } from '@/kernel/events/event-channel.js';
import { DependencyBuilder } from '@/modules/runtimes/dependencies/dependency-builder.js';
import { dependencySet, hasDependencies } from '@/modules/runtimes/dependencies/dependency-set.js';
import type { RuntimeId } from '@/modules/runtimes/runtime-catalog.js';
import { type VersionBuildEvent, type VersionBuiltEvent, versionBuildChannel, versionsBuiltChannel } from './version.channels.js';
import { BuildObserver } from './build-observer.js';
import { VersionLoadCheck } from './version-load-check.js';
import { openVersionSecrets } from './version-secrets.js';
import { EnvelopeCipher } from '@/kernel/crypto/envelope-cipher.js';
import type { BuildStatus, FunctionVersionRecord } from './version.record.js';
import { VersionRepository } from './version.repository.js';

/** Most unfinished builds resumed at start-up; more would wait for the next start. */
const MAX_RESUMED_BUILDS = 10_000;

/** The build status a new version starts with: only dependencies need a build. */
export function initialBuildStatus(dependencies: Record<string, string>): BuildStatus {
  return hasDependencies(dependencies) ? 'BUILDING' : 'READY';
}

/**
 * Runs the dependency builds of versions in the background and records their outcome
 * (status and log), publishing progress on `version.<id>.build`. Builds a stopped
 * server left unfinished are resumed when the next one starts.
 */
@Injectable()
export class VersionBuildService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(VersionBuildService.name);
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly versions: VersionRepository,
    private readonly builder: DependencyBuilder,
    private readonly events: EventBus,
    private readonly errors: UnexpectedErrors,
    private readonly loadCheck: VersionLoadCheck,
    private readonly cipher: EnvelopeCipher,
    @Optional() @Inject(BuildObserver) private readonly observer: BuildObserver | null = null,
  ) {}

  /** Starts the build of a stored version that is BUILDING; returns at once. */
  start(version: FunctionVersionRecord): void {
    if (version.buildStatus !== 'BUILDING') return;
    const task = this.build(version);
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  /**
   * The host directory of a READY version's dependencies (null without any), installed
   * on this machine first if needed: another server node may have built the version, or
   * the cache may have been cleared. Uses the same build as registration.
   */
  async installedDependencies(version: FunctionVersionRecord): Promise<string | null> {
    if (!hasDependencies(version.dependencies)) return null;
    const set = dependencySet(version.runtime as RuntimeId, version.dependencies);
    if (await this.builder.isInstalled(set)) return this.builder.directoryFor(set);
    this.logger.log(`Installing the dependencies of version ${version.id} on this server (not in the local cache)`);
    const result = await this.builder.ensure(set);
    if (result.status === 'READY') return result.dir;
    if (result.status === 'FAILED') this.logger.warn(`Installing the dependencies of version ${version.id} failed:\n${result.log}`);
    throw new FunctionNotReadyError(`The dependencies of version ${version.version} could not be installed on this server; retry later`);
  }

  async onApplicationBootstrap(): Promise<void> {
    const unfinished = await this.versions.findByBuildStatus('BUILDING', MAX_RESUMED_BUILDS);
    if (unfinished.length === 0) return;
    this.logger.log(`Resuming ${unfinished.length} unfinished dependency build(s)`);
    for (const version of unfinished) this.start(version);
  }

  /** Builds are stopped by the builder's shutdown; their versions stay BUILDING for the next start. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async build(version: FunctionVersionRecord): Promise<void> {
    const channel = versionBuildChannel(version.id);
    const started = performance.now();
    try {
      const result = hasDependencies(version.dependencies)
        ? await this.builder.ensure(dependencySet(version.runtime as RuntimeId, version.dependencies), (message) =>
            this.publish(channel, { type: 'log', message }),
          )
        : ({ status: 'READY', log: '' } as const);
      if (result.status === 'ABORTED') return;
      let { status, log } = result;
      if (status === 'READY' && this.loadCheck.appliesTo(version)) {
        // The export check, now that the dependencies the module imports are there.
        const dir = 'dir' in result ? result.dir : null;
        const failure = await this.loadCheck.failureOf(version, openVersionSecrets(this.cipher, version.sealed), dir);
        status = failure === null ? 'READY' : 'FAILED';
        log = [log, failure ?? 'The function loads in a sandbox and exports its entry point'].filter(Boolean).join('\n');
      }
      await this.finish(version, status, log);
      this.observer?.finished(status, performance.now() - started);
    } catch (error) {
      this.errors.report(error, { source: 'build', where: `the build of version ${version.id}` });
      await this.finish(version, 'FAILED', 'The build failed unexpectedly on the server').catch(() => undefined);
      this.observer?.finished('FAILED', performance.now() - started);
    }
  }

  private async finish(version: FunctionVersionRecord, status: 'READY' | 'FAILED', log: string): Promise<void> {
    // The version's first lines (a deprecated runtime's warning) stay ahead of the dependency build's.
    const full = [version.buildLog, log].filter((part) => part !== '').join('\n');
    await this.versions.setBuildResult(version.id, status, full);
    this.publish(versionBuildChannel(version.id), { type: 'status', status });
    const built: VersionBuiltEvent = { versionId: version.id, functionId: version.functionId, status };
    void this.events.publish(versionsBuiltChannel, built);
  }

  private publish(channel: EventChannel<VersionBuildEvent>, event: VersionBuildEvent): void {
    void this.events.publish(channel, event);
  }
}
