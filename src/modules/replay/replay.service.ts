import { Injectable } from '@nestjs/common';
import semver from 'semver';
import { AppConfig } from '@/kernel/config/app-config.js';
import { DomainError, ValidationError } from '@/kernel/errors/domain-error.js';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import type { Actor } from '@/kernel/identity/principal.js';
import { AuditService } from '@/modules/audit/audit.service.js';
import { COMPARISON_OUTCOMES, type ComparisonOutcome } from '@/modules/comparisons/comparison.record.js';
import { compareResults, observedResult } from '@/modules/comparisons/compare-results.js';
import { FunctionAccessPolicy } from '@/modules/functions/function-access.policy.js';
import type { FunctionRecord } from '@/modules/functions/function.record.js';
import { FunctionsService } from '@/modules/functions/functions.service.js';
import type { InvocationRecord } from '@/modules/invocations/invocation.record.js';
import { InvocationsService } from '@/modules/invocations/invocations.service.js';
import { VersionsService } from '@/modules/versions/versions.service.js';
import { DEFAULT_REPLAY_LIMIT, MAX_REPLAY_LIMIT, type ReplayItem, type ReplayReport, type ReplayRequest } from './replay.record.js';
import { redactedHeaders, unreplayableReason } from './replayable.js';
import { firstIdAt } from './time-ordered-ids.js';

/** Records read per page while looking for the invocations a filter selects. */
const SCAN_PAGE = 100;
/** Pages read at most: a filter matching little in a long history stops there instead of reading it all. */
const MAX_SCAN_PAGES = 20;

/**
 * Runs recorded invocations again on another version of their function and compares the
 * results: a regression check before promoting. Each replay is an invocation like any
 * (`trigger: REPLAY`, `comparedWith` the original, the replayer as caller), run a few at a
 * time (`FNGRAPH_REPLAY_CONCURRENCY`), and the report says per item what differed.
 */
@Injectable()
export class ReplayService {
  constructor(
    private readonly functions: FunctionsService,
    private readonly versions: VersionsService,
    private readonly invocations: InvocationsService,
    private readonly policy: FunctionAccessPolicy,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly errors: UnexpectedErrors,
  ) {}

  async replay(actor: Actor, request: ReplayRequest): Promise<ReplayReport> {
    const limit = assertValid(request);
    const fn = await this.functions.getActive(request.functionId);
    this.policy.assertCanManage(actor.principal, fn, request.functionId);
    await this.assertRunnable(fn, request.targetVersion);
    const originals = request.invocationIds ? await this.byIds(fn, request.invocationIds) : await this.byFilter(fn, request.filter ?? {}, limit);
    const items = await inBatches(originals, this.config.comparisons.replayConcurrency, (original) =>
      typeof original === 'string' ? Promise.resolve(notFound(original)) : this.replayOne(actor, fn, original, request.targetVersion),
    );
    const totals = Object.fromEntries(COMPARISON_OUTCOMES.map((outcome) => [outcome, 0])) as Record<ComparisonOutcome, number>;
    for (const item of items) totals[item.outcome] += 1;
    await this.audit.record(
      actor,
      'invocations.replay',
      { targetType: 'function', targetId: fn.id },
      {
        function: fn.name,
        targetVersion: request.targetVersion,
        invocations: items.length,
        identical: totals.IDENTICAL,
        different: totals.DIFFERENT,
        failed: totals.FAILED,
        skipped: totals.SKIPPED,
      },
    );
    return { functionId: fn.id, targetVersion: request.targetVersion, items, totals };
  }

  private async replayOne(actor: Actor, fn: FunctionRecord, original: InvocationRecord, targetVersion: string): Promise<ReplayItem> {
    const base = { originalId: original.id, originalVersion: original.version, redactedHeaders: redactedHeaders(original) };
    const reason = unreplayableReason(original);
    if (reason !== null) return { ...base, replayId: null, outcome: 'SKIPPED', reason, comparison: null };
    let replayed: InvocationRecord;
    try {
      replayed = await this.invocations.invoke({
        ref: { functionId: fn.id },
        version: targetVersion,
        trigger: 'REPLAY',
        event: original.request,
        principal: actor.principal,
        comparedWith: original.id,
      });
    } catch (error) {
      if (!(error instanceof DomainError)) this.errors.report(error, { source: 'invocation', where: `replaying invocation ${original.id}` });
      const why = error instanceof DomainError ? `${error.code}: ${error.message}` : 'fngraph could not run the replay';
      return { ...base, replayId: null, outcome: 'FAILED', reason: why, comparison: null };
    }
    // A refusal of the platform's (throttled) is not a result of the version's: nothing to compare.
    if (replayed.status === 'REJECTED') {
      return {
        ...base,
        replayId: replayed.id,
        outcome: 'FAILED',
        reason: `REJECTED: ${replayed.error?.message ?? 'the replay was refused'}`,
        comparison: null,
      };
    }
    const comparison = compareResults(observedResult(original), observedResult(replayed, { response: replayed.response }));
    return { ...base, replayId: replayed.id, outcome: comparison.outcome, reason: null, comparison };
  }

  private async assertRunnable(fn: FunctionRecord, targetVersion: string): Promise<void> {
    const version = await this.versions.findByVersion(fn.id, targetVersion);
    const problem = !version
      ? `${fn.name} has no version ${targetVersion}`
      : version.buildStatus === 'FAILED'
        ? `version ${targetVersion} failed its build`
        : null;
    if (problem) throw new ValidationError(`Invalid replay: targetVersion: ${problem}`, [{ field: 'targetVersion', message: problem }]);
  }

  /** The named invocations in the order given; an id that is not one of this function's is returned as is (reported not found). */
  private async byIds(fn: FunctionRecord, ids: readonly string[]): Promise<Array<InvocationRecord | string>> {
    const found = new Map((await this.invocations.findByIds(ids)).filter((record) => record.functionId === fn.id).map((record) => [record.id, record]));
    return [...new Set(ids)].map((id) => found.get(id) ?? id);
  }

  /**
   * The newest `limit` invocations of the function matching the filter, newest first. Shadow
   * and replay runs are not traffic: they are passed over, not reported.
   */
  private async byFilter(fn: FunctionRecord, filter: NonNullable<ReplayRequest['filter']>, limit: number): Promise<InvocationRecord[]> {
    const selected: InvocationRecord[] = [];
    const oldest = filter.since ? firstIdAt(filter.since) : null;
    let after = filter.until ? firstIdAt(new Date(filter.until.getTime() + 1)) : undefined;
    for (let page = 0; page < MAX_SCAN_PAGES && selected.length < limit; page += 1) {
      const { items, hasMore } = await this.invocations.list({ functionId: fn.id, status: filter.status }, { first: SCAN_PAGE, after });
      for (const record of items) {
        if (oldest !== null && record.id < oldest) return selected;
        if (record.trigger === 'SHADOW' || record.trigger === 'REPLAY') continue;
        selected.push(record);
        if (selected.length === limit) return selected;
      }
      if (!hasMore || items.length === 0) break;
      after = items[items.length - 1]!.id;
    }
    return selected;
  }
}

function notFound(id: string): ReplayItem {
  return {
    originalId: id,
    replayId: null,
    outcome: 'SKIPPED',
    reason: "Not found among the function's invocations",
    originalVersion: null,
    comparison: null,
    redactedHeaders: [],
  };
}

/** The limit to use; refuses what cannot be meant (both selections, too many ids, an empty time range). */
function assertValid(request: ReplayRequest): number {
  const problems: Array<{ field: string; message: string }> = [];
  if (semver.valid(request.targetVersion) === null) problems.push({ field: 'targetVersion', message: 'must be a version number (semver)' });
  if (request.invocationIds !== undefined) {
    if (request.filter !== undefined) problems.push({ field: 'filter', message: 'give invocationIds or a filter, not both' });
    if (request.invocationIds.length === 0 || request.invocationIds.length > MAX_REPLAY_LIMIT)
      problems.push({ field: 'invocationIds', message: `1 to ${MAX_REPLAY_LIMIT} ids` });
  }
  const limit = request.limit ?? DEFAULT_REPLAY_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_REPLAY_LIMIT) problems.push({ field: 'limit', message: `must be 1 to ${MAX_REPLAY_LIMIT}` });
  const { since, until } = request.filter ?? {};
  if (since && until && since.getTime() > until.getTime()) problems.push({ field: 'filter.since', message: 'must not be after filter.until' });
  if (problems.length > 0) throw new ValidationError(`Invalid replay: ${problems[0]!.field}: ${problems[0]!.message}`, problems);
  return limit;
}

/** Maps every item, at most `concurrency` at once, keeping the order. */
async function inBatches<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
