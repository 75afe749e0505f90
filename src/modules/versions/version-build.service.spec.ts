import { Logger } from '@nestjs/common';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FunctionNotReadyError } from '@/kernel/errors/domain-error.js';
import { MemoryEventBus } from '@/adapters/events/memory/memory-event-bus.js';
import type { DependencyBuilder, DependencyBuildResult } from '@/modules/runtimes/dependencies/dependency-builder.js';
import type { DependencySet } from '@/modules/runtimes/dependencies/dependency-set.js';
import { RecordedErrors } from '../../../test/support/recorded-errors.js';
import { versionBuildChannel, versionsBuiltChannel } from './version.channels.js';
import { initialBuildStatus, VersionBuildService } from './version-build.service.js';
import { type BuildStatus, DEFAULT_ASYNC_POLICY, type FunctionVersionRecord } from './version.record.js';
import type { VersionRepository } from './version.repository.js';
import type { VersionLoadCheck } from './version-load-check.js';
import type { EnvelopeCipher } from '@/kernel/crypto/envelope-cipher.js';

function aVersion(overrides: Partial<FunctionVersionRecord> = {}): FunctionVersionRecord {
  return {
    id: `v-${Math.random().toString(36).slice(2)}`,
    functionId: 'f-1',
    sequence: 1,
    version: '1.0.0',
    language: 'typescript',
    runtime: 'nodejs20',
    codeHash: 'h',
    codeSizeBytes: 1,
    codeFormat: 'source',
    handler: null,
    dependencies: { 'left-pad': '1.3.0' },
    timeoutSeconds: 5,
    memoryLimitMb: 128,
    minInstances: 0,
    maxInstances: null,
    concurrency: 1,
    eventFormat: 'native',
    asyncPolicy: { ...DEFAULT_ASYNC_POLICY },
    network: { enabled: false, allow: [] },
    environmentVariableNames: [],
    contract: null,
    sealed: { keyId: 'k', wrappedKey: Buffer.alloc(0), ciphertext: Buffer.alloc(0) },
    buildStatus: 'BUILDING',
    buildLog: '',
    author: null,
    createdAt: new Date(),
    ...overrides,
  };
}

/** Only what the service uses; anything else would be a surprise and fails. */
class FakeVersions {
  readonly results = new Map<string, { status: BuildStatus; log: string }>();
  stored: FunctionVersionRecord[] = [];
  async findByBuildStatus(status: BuildStatus, limit: number) {
    return this.stored.filter((v) => v.buildStatus === status).slice(0, limit);
  }
  async setBuildResult(id: string, status: BuildStatus, log: string) {
    this.results.set(id, { status, log });
  }
}

class FakeBuilder {
  installed = new Set<string>();
  ensured: DependencySet[] = [];
  next: DependencyBuildResult = { status: 'READY', dir: '/cache/x', reused: false, log: 'line 1\nline 2' };
  directoryFor(set: DependencySet) {
    return `/cache/${set.hash}`;
  }
  async isInstalled(set: DependencySet) {
    return this.installed.has(set.hash);
  }
  async ensure(set: DependencySet, onLine: (line: string) => void = () => undefined) {
    this.ensured.push(set);
    for (const line of this.next.log.split('\n')) onLine(line);
    return this.next;
  }
}

/** The export check: off unless a test gives a reason for it to report. */
class FakeLoadCheck {
  failure: string | null | undefined = undefined;
  checked: Array<{ id: string; dependenciesDir: string | null }> = [];
  appliesTo() {
    return this.failure !== undefined;
  }
  async failureOf(version: FunctionVersionRecord, _secrets: unknown, dependenciesDir: string | null) {
    this.checked.push({ id: version.id, dependenciesDir });
    return this.failure ?? null;
  }
}

const plainCipher = { open: () => Buffer.from(JSON.stringify({ source: '', artifact: '', environmentVariables: {} })) };

describe('VersionBuildService', () => {
  let versions: FakeVersions;
  let builder: FakeBuilder;
  let events: MemoryEventBus;
  let service: VersionBuildService;
  const published: Array<{ channel: string; message: unknown }> = [];
  let errors: RecordedErrors;
  let loadCheck: FakeLoadCheck;

  beforeEach(() => {
    versions = new FakeVersions();
    builder = new FakeBuilder();
    errors = new RecordedErrors();
    events = new MemoryEventBus(errors);
    published.length = 0;
    const publish = events.publish.bind(events);
    vi.spyOn(events, 'publish').mockImplementation((channel, message) => {
      published.push({ channel: channel.name, message });
      return publish(channel, message);
    });
    loadCheck = new FakeLoadCheck();
    service = new VersionBuildService(
      versions as unknown as VersionRepository,
      builder as unknown as DependencyBuilder,
      events,
      errors,
      loadCheck as unknown as VersionLoadCheck,
      plainCipher as unknown as EnvelopeCipher,
    );
  });
  afterEach(() => vi.restoreAllMocks());

  it('starts versions with dependencies BUILDING, others READY', () => {
    expect(initialBuildStatus({})).toBe('READY');
    expect(initialBuildStatus({ six: '' })).toBe('BUILDING');
  });

  it('builds in the background, publishes every line then the status, records the result and announces it', async () => {
    const version = aVersion();
    service.start(version);
    await service.beforeApplicationShutdown();

    expect(versions.results.get(version.id)).toEqual({ status: 'READY', log: 'line 1\nline 2' });
    expect(published).toEqual([
      { channel: versionBuildChannel(version.id).name, message: { type: 'log', message: 'line 1' } },
      { channel: versionBuildChannel(version.id).name, message: { type: 'log', message: 'line 2' } },
      { channel: versionBuildChannel(version.id).name, message: { type: 'status', status: 'READY' } },
      { channel: versionsBuiltChannel.name, message: { versionId: version.id, functionId: 'f-1', status: 'READY' } },
    ]);
    expect(versionBuildChannel(version.id).name).toBe(`version.${version.id}.build`);
  });

  it('records a failed build with its log', async () => {
    builder.next = { status: 'FAILED', log: 'npm error 404\nBuild FAILED: npm exited with code 1' };
    const version = aVersion();
    service.start(version);
    await service.beforeApplicationShutdown();
    expect(versions.results.get(version.id)).toEqual({ status: 'FAILED', log: 'npm error 404\nBuild FAILED: npm exited with code 1' });
    expect(published.at(-1)?.message).toEqual({ versionId: version.id, functionId: 'f-1', status: 'FAILED' });
  });

  it('loads the version with its installed dependencies once they are built, and fails it when it does not load', async () => {
    loadCheck.failure = 'The function does not load (entry point src/app.handler): TypeError: no export "handler"';
    const version = aVersion();
    service.start(version);
    await service.beforeApplicationShutdown();
    expect(loadCheck.checked).toEqual([{ id: version.id, dependenciesDir: '/cache/x' }]);
    expect(versions.results.get(version.id)).toEqual({ status: 'FAILED', log: `line 1\nline 2\n${loadCheck.failure}` });
    expect(published.at(-1)?.message).toEqual({ versionId: version.id, functionId: 'f-1', status: 'FAILED' });
  });

  it('records a version that loads READY, saying it was checked', async () => {
    loadCheck.failure = null;
    const version = aVersion();
    service.start(version);
    await service.beforeApplicationShutdown();
    expect(versions.results.get(version.id)).toEqual({ status: 'READY', log: 'line 1\nline 2\nThe function loads in a sandbox and exports its entry point' });
  });

  it('leaves an aborted build BUILDING, for the next start', async () => {
    builder.next = { status: 'ABORTED', log: 'stopped' };
    const version = aVersion();
    service.start(version);
    await service.beforeApplicationShutdown();
    expect(versions.results.size).toBe(0);
    expect(published.some((p) => p.channel === versionsBuiltChannel.name)).toBe(false);
  });

  it('ignores versions that are not BUILDING', async () => {
    service.start(aVersion({ buildStatus: 'READY' }));
    service.start(aVersion({ buildStatus: 'FAILED' }));
    await service.beforeApplicationShutdown();
    expect(builder.ensured).toEqual([]);
  });

  it('resumes the builds a stopped server left unfinished', async () => {
    const log = vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const unfinished = [aVersion(), aVersion({ runtime: 'python3.11', language: 'python', dependencies: { six: '' } })];
    versions.stored = [...unfinished, aVersion({ buildStatus: 'READY' })];
    await service.onApplicationBootstrap();
    await service.beforeApplicationShutdown();
    expect([...versions.results.keys()].sort()).toEqual(unfinished.map((v) => v.id).sort());
    expect(builder.ensured.map((s) => s.manager).sort()).toEqual(['npm', 'pip']);
    expect(log).toHaveBeenCalledWith('Resuming 2 unfinished dependency build(s)');
  });

  it('finds installed dependencies, installs missing ones on demand, and refuses when that fails', async () => {
    expect(await service.installedDependencies(aVersion({ dependencies: {} }))).toBeNull();
    expect(builder.ensured).toEqual([]);

    const version = aVersion({ buildStatus: 'READY' });
    vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    expect(await service.installedDependencies(version)).toBe('/cache/x');
    expect(builder.ensured).toHaveLength(1);

    builder.installed.add(builder.ensured[0]!.hash);
    expect(await service.installedDependencies(version)).toBe(`/cache/${builder.ensured[0]!.hash}`);
    expect(builder.ensured).toHaveLength(1);

    builder.installed.clear();
    builder.next = { status: 'FAILED', log: 'registry down' };
    vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    await expect(service.installedDependencies(version)).rejects.toBeInstanceOf(FunctionNotReadyError);
  });
});
