import { Injectable, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { AppConfig } from '@/kernel/config/app-config.js';
import { DomainError } from '@/kernel/errors/domain-error.js';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import { newId } from '@/kernel/ids/new-id.js';
import { ANONYMOUS } from '@/kernel/identity/principal.js';
import { compareResults, observedResult } from '@/modules/comparisons/compare-results.js';
import type { ComparisonRecord, ResultComparison } from '@/modules/comparisons/comparison.record.js';
import { ComparisonRepository } from '@/modules/comparisons/comparison.repository.js';
import { ExecutorService } from '@/modules/executor/executor.service.js';
import { FunctionsService } from '@/modules/functions/functions.service.js';
import type { InvocationRecord } from '@/modules/invocations/invocation.record.js';
import { InvocationsService } from '@/modules/invocations/invocations.service.js';
import { type ShadowCall, ShadowCalls } from '@/modules/invocations/shadow-calls.js';
import { VersionsService } from '@/modules/versions/versions.service.js';
import { ShadowObserver } from './shadow-observer.js';
import { noRoomReason } from './shadow-room.js';

/** What the room check needs of a shadow version: immutable but for the owner, so kept a short while. */
interface ShadowTarget {
  versionId: string;
  memoryLimitMb: number;
  ownerId: string;
}

const TARGET_CACHE_MS = 30_000;

/**
 * Runs alias shadow traffic: a share of the calls an alias routes also run on its shadow
 * version, after the caller was answered (handed over by `ShadowCalls`), as SHADOW invocations
 * of the platform's (`callerId` null, no permission check, no rate limit or quota taken), a few
 * at a time per node, and only when their sandbox takes no room the callers need; otherwise the
 * call is skipped, and the skip is counted. Each outcome is stored as a comparison.
 */
@Injectable()
export class ShadowTrafficService implements OnModuleInit {
  private inFlight = 0;
  private readonly targets = new LRUCache<string, ShadowTarget>({ max: 1000, ttl: TARGET_CACHE_MS });

  constructor(
    private readonly calls: ShadowCalls,
    private readonly invocations: InvocationsService,
    private readonly comparisons: ComparisonRepository,
    private readonly executor: ExecutorService,
    private readonly versions: VersionsService,
    private readonly functions: FunctionsService,
    private readonly observer: ShadowObserver,
    private readonly config: AppConfig,
    private readonly errors: UnexpectedErrors,
  ) {}

  onModuleInit(): void {
    this.calls.handleWith((call) => void this.take(call));
  }

  /** Shadow runs in flight on this node. */
  get running(): number {
    return this.inFlight;
  }

  private async take(call: ShadowCall): Promise<void> {
    // Counted before anything awaits: two calls arriving together cannot both take the last place.
    this.inFlight += 1;
    try {
      const target = await this.targetOf(call);
      const busy = target === null ? 'the shadow version no longer exists' : this.noRoom(target);
      if (busy !== null) {
        await this.store(call, 'SKIPPED', null, null, `Not run: ${busy}`);
        return;
      }
      await this.run(call);
    } catch (error) {
      this.errors.report(error, { source: 'invocation', where: `shadowing invocation ${call.primary.id}`, invocationId: call.primary.id });
    } finally {
      this.inFlight -= 1;
    }
  }

  private async run(call: ShadowCall): Promise<void> {
    let shadow: InvocationRecord;
    try {
      shadow = await this.invocations.invoke({
        ref: { functionId: call.primary.functionId },
        version: call.shadowVersion,
        trigger: 'SHADOW',
        event: call.event,
        principal: ANONYMOUS,
        onBehalfOfPlatform: true,
        comparedWith: call.primary.id,
      });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await this.store(call, 'FAILED', null, null, `${error.code}: ${error.message}`);
      return;
    }
    if (shadow.status === 'REJECTED') {
      await this.store(call, 'FAILED', shadow, null, `REJECTED: ${shadow.error?.message ?? 'the shadow run was refused'}`);
      return;
    }
    const comparison = compareResults(observedResult(call.primary, { response: call.response }), observedResult(shadow, { response: shadow.response }));
    await this.store(call, comparison.outcome, shadow, comparison, null);
  }

  /** `this.inFlight` counts this call already. */
  private noRoom(target: ShadowTarget): string | null {
    const owners = this.executor.ownerSandboxes();
    const owner = owners.owners.find((usage) => usage.ownerId === target.ownerId) ?? { sandboxes: 0, memoryMb: 0 };
    const usage = {
      node: this.executor.nodeSandboxes(),
      memory: this.executor.nodeSandboxMemory(),
      owner: { sandboxes: owner.sandboxes, memoryMb: owner.memoryMb, maxSandboxes: owners.maxSandboxes, maxMemoryMb: owners.memoryMb },
      idleCandidate: (this.executor.poolStats(target.versionId)?.idle ?? 0) > 0,
    };
    return noRoomReason(this.inFlight - 1, this.config.comparisons.shadowConcurrency, usage, target.memoryLimitMb);
  }

  private async targetOf(call: ShadowCall): Promise<ShadowTarget | null> {
    const key = `${call.primary.functionId}@${call.shadowVersion}`;
    const cached = this.targets.get(key);
    if (cached) return cached;
    const [version, fn] = await Promise.all([
      this.versions.findByVersion(call.primary.functionId, call.shadowVersion),
      this.functions.findByIds([call.primary.functionId]).then((found) => found[0] ?? null),
    ]);
    if (!version || !fn) return null;
    const target = { versionId: version.id, memoryLimitMb: version.memoryLimitMb, ownerId: fn.ownerId ?? '' };
    this.targets.set(key, target);
    return target;
  }

  private async store(
    call: ShadowCall,
    outcome: ComparisonRecord['outcome'],
    shadow: InvocationRecord | null,
    comparison: ResultComparison | null,
    reason: string | null,
  ): Promise<void> {
    const record: ComparisonRecord = {
      id: newId(),
      functionId: call.primary.functionId,
      alias: call.alias,
      primaryId: call.primary.id,
      candidateId: shadow?.id ?? null,
      primaryVersion: call.primary.version,
      candidateVersion: call.shadowVersion,
      outcome,
      differences: comparison?.differences ?? [],
      detail: {
        statusBefore: call.primary.status,
        statusAfter: shadow?.status ?? null,
        statusCodeBefore: comparison?.statusCode.before ?? null,
        statusCodeAfter: comparison?.statusCode.after ?? null,
        bodyPaths: comparison?.body.paths ?? [],
        headerNames: comparison?.headers.map((header) => header.name) ?? [],
        reason: reason ?? (comparison?.differences.includes('BODY') ? comparison.body.note : null),
      },
      primaryDurationMs: call.primary.durationMs,
      candidateDurationMs: shadow?.durationMs ?? null,
      createdAt: new Date(),
    };
    this.observer.compared(outcome);
    await this.comparisons.insert(record);
  }
}
