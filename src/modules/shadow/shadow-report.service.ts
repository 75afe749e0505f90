import { Injectable } from '@nestjs/common';
import { ForbiddenError, NotFoundError, ValidationError } from '@/kernel/errors/domain-error.js';
import type { Principal } from '@/kernel/identity/principal.js';
import { AliasesService } from '@/modules/aliases/aliases.service.js';
import type { ComparisonFilter, ComparisonRecord, ComparisonSummary } from '@/modules/comparisons/comparison.record.js';
import { ComparisonRepository } from '@/modules/comparisons/comparison.repository.js';
import { FunctionAccessPolicy } from '@/modules/functions/function-access.policy.js';
import { FunctionsService } from '@/modules/functions/functions.service.js';

/** Latencies are taken over this many of the latest compared pairs (counts are over all). */
export const LATENCY_WINDOW = 1000;
export const DEFAULT_REPORT_COMPARISONS = 20;
export const MAX_REPORT_COMPARISONS = 100;

export interface ShadowReport {
  functionId: string;
  alias: string;
  /** The shadow version the report is about (the alias's current one unless asked); null: every version the alias shadowed. */
  candidateVersion: string | null;
  summary: ComparisonSummary;
  /** p50/p99 of the primary and the shadow runs over the latest `LATENCY_WINDOW` pairs (null without any). */
  latency: { pairs: number; primaryP50Ms: number | null; primaryP99Ms: number | null; candidateP50Ms: number | null; candidateP99Ms: number | null };
  /** The latest comparisons, newest first. */
  comparisons: ComparisonRecord[];
}

/**
 * What an alias's shadow traffic found, from the stored comparisons (the same on every node,
 * and after restarts). For whoever may read the function's invocations: it describes them.
 */
@Injectable()
export class ShadowReportService {
  constructor(
    private readonly functions: FunctionsService,
    private readonly policy: FunctionAccessPolicy,
    private readonly aliases: AliasesService,
    private readonly comparisons: ComparisonRepository,
  ) {}

  async report(principal: Principal, functionId: string, alias: string, first = DEFAULT_REPORT_COMPARISONS, candidateVersion?: string): Promise<ShadowReport> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_REPORT_COMPARISONS) {
      throw new ValidationError(`first must be 0 to ${MAX_REPORT_COMPARISONS}`, [{ field: 'first', message: `0 to ${MAX_REPORT_COMPARISONS}` }]);
    }
    const fn = (await this.functions.findByIds([functionId]))[0];
    if (!fn) throw new NotFoundError('Function', functionId);
    if (!this.policy.assertVisible(principal, fn, functionId).readInvocations) throw new ForbiddenError(`You may not read the invocations of ${fn.name}`);
    const current = await this.aliases.find(fn.id, alias);
    const version = candidateVersion ?? current?.shadow?.version;
    const filter: ComparisonFilter = { functionId: fn.id, alias, ...(version === undefined ? {} : { candidateVersion: version }) };
    const [summary, durations, comparisons] = await Promise.all([
      this.comparisons.summarize(filter),
      this.comparisons.latestDurations(filter, LATENCY_WINDOW),
      first === 0 ? Promise.resolve([]) : this.comparisons.list(filter, first),
    ]);
    const primary = durations.map((pair) => pair.primaryMs);
    const candidate = durations.map((pair) => pair.candidateMs);
    return {
      functionId: fn.id,
      alias,
      candidateVersion: version ?? null,
      summary,
      latency: {
        pairs: durations.length,
        primaryP50Ms: percentile(primary, 0.5),
        primaryP99Ms: percentile(primary, 0.99),
        candidateP50Ms: percentile(candidate, 0.5),
        candidateP99Ms: percentile(candidate, 0.99),
      },
      comparisons,
    };
  }
}

/** Nearest-rank percentile; null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
