import { Injectable } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import { QuotaExceededError } from '@/kernel/errors/domain-error.js';
import { MAX_PAGE_SIZE } from '@/kernel/pagination/page.js';
import type { VersionDraft } from '@/modules/versions/version-draft.js';
import { VersionsService } from '@/modules/versions/versions.service.js';
import { FunctionRepository } from './function.repository.js';

/**
 * The per-owner quota on memory kept started ahead of need (`FNGRAPH_OWNER_PREWARM_MEMORY_MB`):
 * every node keeps each function's `minInstances` sandboxes of its latest version started,
 * and module-level code runs in them without any call, so the sum over an owner's functions
 * of `minInstances × memoryLimit` is checked whenever a version is registered.
 */
@Injectable()
export class PrewarmQuota {
  constructor(
    private readonly functions: FunctionRepository,
    private readonly versions: VersionsService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Refuses (QUOTA_EXCEEDED) a new latest version of `functionId` (null: a new function)
   * owned by `ownerId` that would take the owner over the quota; the version it replaces no
   * longer counts. A version asking no more than the one it replaces always passes, so that
   * lowering the quota never blocks a code change. Functions without an owner (registered
   * before owners existed) are not counted.
   */
  async assertWithin(ownerId: string | null, functionId: string | null, draft: Pick<VersionDraft, 'minInstances' | 'memoryLimitMb'>): Promise<void> {
    const allowed = this.config.limits.ownerPrewarmMemoryMb;
    const asked = draft.minInstances * draft.memoryLimitMb;
    if (allowed === 0 || asked === 0 || ownerId === null) return;
    const { used, replaced } = await this.usedBy(ownerId, functionId);
    if (used + asked <= allowed || asked <= replaced) return;
    throw new QuotaExceededError(
      `The owner's other functions keep ${used} MB started ahead of need (minInstances × memoryLimit of their latest versions); ` +
        `this version asks for ${asked} MB more (minInstances ${draft.minInstances} × ${draft.memoryLimitMb} MB); ` +
        `the quota is ${allowed} MB per owner (FNGRAPH_OWNER_PREWARM_MEMORY_MB). Lower minInstances or memoryLimit here or elsewhere`,
    );
  }

  /** Pre-warmed MB of the owner's active functions (latest versions) but `replacedFunctionId`, and of that one. */
  private async usedBy(ownerId: string, replacedFunctionId: string | null): Promise<{ used: number; replaced: number }> {
    let used = 0;
    let replaced = 0;
    let after: string | undefined;
    for (;;) {
      // "Visible to the owner with no roles" is owned or shared with it; only owned ones count.
      const page = await this.functions.list({ visibleTo: { subject: ownerId, roles: [] } }, { first: MAX_PAGE_SIZE, after });
      const owned = page.items.filter((fn) => fn.ownerId === ownerId);
      const latest = owned.length > 0 ? await this.versions.findByIds(owned.map((fn) => fn.latestVersionId)) : [];
      for (const version of latest) {
        const warm = version.minInstances * version.memoryLimitMb;
        if (version.functionId === replacedFunctionId) replaced += warm;
        else used += warm;
      }
      if (!page.hasMore || page.items.length === 0) return { used, replaced };
      after = page.items.at(-1)!.name;
    }
  }
}
