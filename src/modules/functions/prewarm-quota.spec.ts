import { beforeEach, describe, expect, it, type Mocked } from 'vitest';
import { AppConfig } from '@/kernel/config/app-config.js';
import { QuotaExceededError } from '@/kernel/errors/domain-error.js';
import type { FunctionVersionRecord } from '@/modules/versions/version.record.js';
import { VersionsService } from '@/modules/versions/versions.service.js';
import { automock } from '../../../test/support/automock.js';
import type { FunctionRecord } from './function.record.js';
import { FunctionRepository } from './function.repository.js';
import { PrewarmQuota } from './prewarm-quota.js';

const config = AppConfig.fromEnvironment({ NODE_ENV: 'test', FNGRAPH_OWNER_PREWARM_MEMORY_MB: '512' });

/** A function and its latest version keeping `minInstances × memoryLimitMb` warm. */
function owned(id: string, ownerId: string, minInstances: number, memoryLimitMb: number): { fn: FunctionRecord; version: FunctionVersionRecord } {
  const fn = { id, name: id, ownerId, latestVersionId: `${id}-v` } as FunctionRecord;
  const version = { id: `${id}-v`, functionId: id, minInstances, memoryLimitMb } as FunctionVersionRecord;
  return { fn, version };
}

describe(PrewarmQuota.name, () => {
  let functions: Mocked<FunctionRepository>;
  let versions: Mocked<VersionsService>;
  let sut: PrewarmQuota;

  function given(...entries: Array<ReturnType<typeof owned>>): void {
    functions.list.mockResolvedValue({ items: entries.map((e) => e.fn), hasMore: false });
    versions.findByIds.mockImplementation(async (ids) => entries.map((e) => e.version).filter((v) => ids.includes(v.id)));
  }

  beforeEach(() => {
    functions = automock(FunctionRepository, { methods: ['list'] });
    versions = automock(VersionsService);
    sut = new PrewarmQuota(functions, versions, config);
  });

  it("sums the owner's own latest versions only (not functions merely shared with it) and refuses beyond the quota with the numbers", async () => {
    given(owned('a', 'alice', 2, 128), owned('shared', 'bob', 4, 1024));
    await expect(sut.assertWithin('alice', null, { minInstances: 2, memoryLimitMb: 128 })).resolves.toBeUndefined();
    const refusal = sut.assertWithin('alice', null, { minInstances: 3, memoryLimitMb: 128 });
    await expect(refusal).rejects.toBeInstanceOf(QuotaExceededError);
    await expect(refusal).rejects.toThrow(/256 MB .*384 MB .*512 MB/);
  });

  it('counts the new version instead of the one it replaces', async () => {
    given(owned('a', 'alice', 2, 128), owned('b', 'alice', 2, 128));
    await expect(sut.assertWithin('alice', 'b', { minInstances: 2, memoryLimitMb: 128 })).resolves.toBeUndefined();
    await expect(sut.assertWithin('alice', 'b', { minInstances: 3, memoryLimitMb: 128 })).rejects.toBeInstanceOf(QuotaExceededError);
  });

  it('never blocks a version that asks no more than the one it replaces (the quota may have been lowered since)', async () => {
    given(owned('a', 'alice', 4, 256), owned('b', 'alice', 2, 128));
    await expect(sut.assertWithin('alice', 'b', { minInstances: 2, memoryLimitMb: 128 })).resolves.toBeUndefined();
    await expect(sut.assertWithin('alice', 'b', { minInstances: 1, memoryLimitMb: 128 })).resolves.toBeUndefined();
  });

  it('asks nothing of storage for versions without minInstances', async () => {
    await expect(sut.assertWithin('alice', null, { minInstances: 0, memoryLimitMb: 4096 })).resolves.toBeUndefined();
    expect(functions.list).not.toHaveBeenCalled();
  });
});
