import type { CanaryDecisionRecord, CanaryRecord } from '@/modules/canary/canary.record.js';
import { errorRate } from '@/modules/canary/canary-verdict.js';
import type { InvocationWindowStats } from '@/modules/invocations/invocation.record.js';
import { type CanaryActionEnum, type CanaryDecisionModel, type CanaryModel, type CanaryStatusEnum, CanaryWindowStatsModel } from './canary.model.js';

export function toCanaryModel(record: CanaryRecord): CanaryModel {
  return {
    id: record.id,
    functionId: record.functionId,
    alias: record.alias,
    stableVersion: record.stableVersion,
    candidateVersion: record.candidateVersion,
    status: record.status as CanaryStatusEnum,
    steps: [...record.steps],
    stepIndex: record.stepIndex,
    weight: record.weight,
    stepSeconds: record.stepSeconds,
    minInvocations: record.minInvocations,
    maxErrorRateIncrease: record.maxErrorRateIncrease,
    maxP99Ratio: record.maxP99Ratio,
    startedAt: record.startedAt,
    stepStartedAt: record.stepStartedAt,
    finishedAt: record.finishedAt,
    reason: record.reason,
    startedBy: record.startedBy,
    decisions: record.decisions.map(toDecisionModel),
  };
}

function toDecisionModel(decision: CanaryDecisionRecord): CanaryDecisionModel {
  return {
    at: decision.at,
    step: decision.step,
    weight: decision.weight,
    action: decision.action as CanaryActionEnum,
    reason: decision.reason,
    stable: toStatsModel(decision.stable),
    candidate: toStatsModel(decision.candidate),
  };
}

function toStatsModel(stats: InvocationWindowStats | null): CanaryWindowStatsModel | null {
  if (!stats) return null;
  return Object.assign(new CanaryWindowStatsModel(), {
    count: stats.count,
    errors: stats.errors,
    errorRate: errorRate(stats),
    p99DurationMs: stats.p99DurationMs,
  });
}
