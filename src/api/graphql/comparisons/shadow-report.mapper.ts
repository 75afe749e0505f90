import type { ComparisonRecord } from '@/modules/comparisons/comparison.record.js';
import type { ShadowReport } from '@/modules/shadow/shadow-report.service.js';
import type { InvocationStatusEnum } from '@/api/graphql/invocations/invocation-enums.js';
import type { ComparisonDifferenceEnum, ComparisonOutcomeEnum } from './comparison-enums.js';
import type { ShadowComparisonModel, ShadowReportModel } from './shadow-report.model.js';

export function toShadowReportModel(report: ShadowReport): ShadowReportModel {
  const { byOutcome, byDifference } = report.summary;
  return {
    functionId: report.functionId,
    alias: report.alias,
    shadowVersion: report.candidateVersion,
    compared: byOutcome.IDENTICAL + byOutcome.DIFFERENT,
    identical: byOutcome.IDENTICAL,
    different: byOutcome.DIFFERENT,
    differentBy: { status: byDifference.STATUS, statusCode: byDifference.STATUS_CODE, body: byDifference.BODY, headers: byDifference.HEADERS },
    failed: byOutcome.FAILED,
    skipped: byOutcome.SKIPPED,
    latencyPairs: report.latency.pairs,
    primaryP50Ms: report.latency.primaryP50Ms,
    primaryP99Ms: report.latency.primaryP99Ms,
    shadowP50Ms: report.latency.candidateP50Ms,
    shadowP99Ms: report.latency.candidateP99Ms,
    comparisons: report.comparisons.map(toShadowComparisonModel),
  };
}

function toShadowComparisonModel(record: ComparisonRecord): ShadowComparisonModel {
  return {
    id: record.id,
    primaryInvocationId: record.primaryId,
    shadowInvocationId: record.candidateId,
    primaryVersion: record.primaryVersion,
    shadowVersion: record.candidateVersion,
    outcome: record.outcome as ComparisonOutcomeEnum,
    differences: record.differences as ComparisonDifferenceEnum[],
    statusBefore: record.detail.statusBefore as InvocationStatusEnum,
    statusAfter: record.detail.statusAfter as InvocationStatusEnum | null,
    statusCodeBefore: record.detail.statusCodeBefore,
    statusCodeAfter: record.detail.statusCodeAfter,
    bodyDifferences: record.detail.bodyPaths,
    headerDifferences: record.detail.headerNames,
    reason: record.detail.reason,
    primaryDurationMs: record.primaryDurationMs,
    shadowDurationMs: record.candidateDurationMs,
    createdAt: record.createdAt,
  };
}
