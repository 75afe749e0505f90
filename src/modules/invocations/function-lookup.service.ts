import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { FunctionNotReadyError, NotFoundError } from '@/kernel/errors/domain-error.js';
import { AppConfig } from '@/kernel/config/app-config.js';
import { EventBus, type Unsubscribe } from '@/kernel/events/event-bus.js';
import type { ExecutionTarget } from '@/modules/executor/execution.types.js';
import { ExecutorService } from '@/modules/executor/executor.service.js';
import { type FunctionChangedEvent, functionsChangedChannel } from '@/modules/functions/function.channels.js';
import type { FunctionRecord } from '@/modules/functions/function.record.js';
import { FunctionsService } from '@/modules/functions/functions.service.js';
import type { RuntimeId } from '@/modules/runtimes/runtime-catalog.js';
import { type VersionBuiltEvent, versionsBuiltChannel } from '@/modules/versions/version.channels.js';
import { VersionBuildService } from '@/modules/versions/version-build.service.js';
import type { FunctionVersionRecord } from '@/modules/versions/version.record.js';
import { VersionsService } from '@/modules/versions/versions.service.js';

export type FunctionRef = { functionId: string } | { name: string };

interface CachedTarget {
  version: FunctionVersionRecord;
  target: ExecutionTarget;
}

export interface ResolvedFunction {
  function: FunctionRecord;
  version: FunctionVersionRecord;
  target: ExecutionTarget;
}

/** Functions, and decrypted version targets, kept in memory (the least recently used go first). */
const MAX_CACHED = 500;
/** Functions looked at for `minInstances` when the server starts. */
const MAX_PREWARMED_AT_START = 1000;

/**
 * Finds what to run for a request (function by id or name, latest or pinned version)
 * without a storage round trip on the hot path. Function entries are dropped when the
 * function changes (announced on the event bus); version targets never change.
 */
@Injectable()
export class FunctionLookup implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(FunctionLookup.name);
  private readonly functionsById = new LRUCache<string, FunctionRecord>({ max: MAX_CACHED });
  private readonly idsByName = new LRUCache<string, string>({ max: MAX_CACHED });
  /** Keyed by `<functionId>@<version>`: version numbers are unique per function and immutable, so entries never go stale. */
  private readonly targets = new LRUCache<string, CachedTarget>({ max: MAX_CACHED });
  private unsubscribers: Unsubscribe[] = [];

  constructor(
    private readonly functions: FunctionsService,
    private readonly versions: VersionsService,
    private readonly builds: VersionBuildService,
    private readonly executor: ExecutorService,
    private readonly events: EventBus,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.unsubscribers = await Promise.all([
      // Changes announced while the subscription was interrupted never arrive: forget every function then.
      this.events.subscribe(functionsChangedChannel, (event) => this.onFunctionChanged(event), { onResumed: () => this.forgetFunctions() }),
      // Only READY versions are cached, but a build result must never meet a stale entry.
      this.events.subscribe(versionsBuiltChannel, (event) => this.onVersionBuilt(event)),
    ]);
  }

  /** Starts the `minInstances` sandboxes of every function that wants some, in the background. */
  onApplicationBootstrap(): void {
    void this.prewarmAll().catch((error: Error) => this.logger.warn(`Pre-warming at start-up stopped: ${error.message}`));
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.unsubscribers.map((unsubscribe) => unsubscribe()));
  }

  async resolve(ref: FunctionRef, version?: string): Promise<ResolvedFunction> {
    return this.resolveVersion(await this.findFunction(ref), version);
  }

  /**
   * The version to run of a function found (and authorised) first: callers check access
   * between the two steps, so an unauthorised caller learns nothing about versions.
   */
  async resolveVersion(fn: FunctionRecord, version?: string): Promise<ResolvedFunction> {
    const wanted = version ?? fn.latestVersion;
    const key = `${fn.id}@${wanted}`;
    const cached = this.targets.get(key);
    if (cached) return { function: fn, version: cached.version, target: asCalledFor(fn, cached.target) };
    const record = version === undefined ? await this.versions.getById(fn.latestVersionId) : await this.versions.getByVersion(fn.id, version);
    if (record.buildStatus === 'BUILDING') {
      throw new FunctionNotReadyError(`Version ${record.version} of ${fn.name} is still installing its dependencies; retry when its buildStatus is READY`);
    }
    if (record.buildStatus === 'FAILED') {
      throw new FunctionNotReadyError(
        `Version ${record.version} of ${fn.name} failed its build (it failed to install its dependencies or to load its entry point) and cannot run; see its buildLog, then register a fixed version`,
      );
    }
    const entry = { version: record, target: await this.toTarget(fn, record) };
    this.targets.set(key, entry);
    return { function: fn, version: record, target: asCalledFor(fn, entry.target) };
  }

  /** An active function by id or name, from the cache (dropped on every change announced on the event bus). */
  async findFunction(ref: FunctionRef): Promise<FunctionRecord> {
    const id = 'functionId' in ref ? ref.functionId : this.idsByName.get(ref.name);
    const cached = id ? this.functionsById.get(id) : undefined;
    if (cached) return cached;
    const fn = 'functionId' in ref ? await this.functions.getActive(ref.functionId) : await this.functions.getByName(ref.name);
    if (fn.deletedAt) throw new NotFoundError('Function', 'functionId' in ref ? ref.functionId : ref.name);
    this.functionsById.set(fn.id, fn);
    this.idsByName.set(fn.name, fn.id);
    return fn;
  }

  private async toTarget(fn: FunctionRecord, version: FunctionVersionRecord): Promise<ExecutionTarget> {
    const secrets = this.versions.openSecrets(version);
    const dependenciesDir = await this.builds.installedDependencies(version);
    return {
      versionId: version.id,
      functionId: fn.id,
      functionName: fn.name,
      ownerId: fn.ownerId ?? '',
      version: version.version,
      runtime: version.runtime as RuntimeId,
      artifact: secrets.artifact,
      entry: secrets.entry,
      entryFile: secrets.entryFile,
      codeDir: await this.versions.codeDirectory(version, secrets),
      environment: secrets.environmentVariables,
      eventFormat: version.eventFormat,
      dependenciesDir,
      network: version.network,
      timeoutMs: version.timeoutSeconds * 1000,
      memoryLimitMb: version.memoryLimitMb,
      minInstances: version.minInstances,
      maxInstances: version.maxInstances ?? this.config.limits.maxInstancesPerFunction,
      concurrency: version.concurrency,
    };
  }

  private onFunctionChanged(event: FunctionChangedEvent): void {
    this.functionsById.delete(event.functionId);
    this.idsByName.delete(event.name);
    if (event.kind === 'deleted') {
      this.forgetTargets((entry) => entry.target.functionId === event.functionId);
      this.executor.evictFunction(event.functionId);
      return;
    }
    void this.prewarmLatest(event.functionId);
  }

  private forgetFunctions(): void {
    this.functionsById.clear();
    this.idsByName.clear();
  }

  private onVersionBuilt(event: VersionBuiltEvent): void {
    this.forgetTargets((entry) => entry.version.id === event.versionId);
    if (event.status === 'READY') void this.prewarmLatest(event.functionId);
  }

  /**
   * Keeps the latest version's `minInstances` warm on this node; older versions lose theirs
   * and scale down when idle (they still start on demand for pinned calls).
   */
  private async prewarmLatest(functionId: string): Promise<void> {
    try {
      const fn = await this.findFunction({ functionId });
      const latest = await this.versions.getById(fn.latestVersionId);
      this.executor.retireVersions(functionId, latest.id);
      if (latest.minInstances === 0 || latest.buildStatus !== 'READY') return;
      this.executor.prewarm((await this.resolveVersion(fn)).target);
    } catch (error) {
      if (!(error instanceof NotFoundError || error instanceof FunctionNotReadyError)) {
        this.logger.warn(`Could not pre-warm function ${functionId}: ${(error as Error).message}`);
      }
    }
  }

  private async prewarmAll(): Promise<void> {
    let after: string | undefined;
    for (let seen = 0; seen < MAX_PREWARMED_AT_START;) {
      const page = await this.functions.list({}, { first: 100, after });
      for (const fn of page.items) {
        const latest = await this.versions.getById(fn.latestVersionId);
        if (latest.minInstances > 0) await this.prewarmLatest(fn.id);
      }
      seen += page.items.length;
      if (!page.hasMore || page.items.length === 0) return;
      after = page.items.at(-1)?.name;
    }
  }

  private forgetTargets(matches: (entry: CachedTarget) => boolean): void {
    const stale = [...this.targets.entries()].filter(([, entry]) => matches(entry)).map(([key]) => key);
    for (const key of stale) this.targets.delete(key);
  }
}

/** A version's target as a call sees it: only the function's latest version is kept warm (`minInstances`). */
function asCalledFor(fn: FunctionRecord, target: ExecutionTarget): ExecutionTarget {
  return target.versionId === fn.latestVersionId || target.minInstances === 0 ? target : { ...target, minInstances: 0 };
}
