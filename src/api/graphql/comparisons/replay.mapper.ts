import type { ReplayItem, ReplayReport } from '@/modules/replay/replay.record.js';
import type { InvocationStatusEnum } from '@/api/graphql/invocations/invocation-enums.js';
import type { ComparisonDifferenceEnum, ComparisonOutcomeEnum } from './comparison-enums.js';
import type { ReplayItemModel, ReplayReportModel } from './replay-report.model.js';

export function toReplayReportModel(report: ReplayReport): ReplayReportModel {
  return {
    functionId: report.functionId,
    targetVersion: report.targetVersion,
    items: report.items.map(toReplayItemModel),
    identical: report.totals.IDENTICAL,
    different: report.totals.DIFFERENT,
    failed: report.totals.FAILED,
    skipped: report.totals.SKIPPED,
  };
}

function toReplayItemModel(item: ReplayItem): ReplayItemModel {
  const c = item.comparison;
  return {
    originalId: item.originalId,
    replayId: item.replayId,
    outcome: item.outcome as ComparisonOutcomeEnum,
    reason: item.reason,
    originalVersion: item.originalVersion,
    differences: (c?.differences ?? []) as ComparisonDifferenceEnum[],
    statusBefore: (c?.status.before ?? null) as InvocationStatusEnum | null,
    statusAfter: (c?.status.after ?? null) as InvocationStatusEnum | null,
    errorTypeBefore: c?.errorType.before ?? null,
    errorTypeAfter: c?.errorType.after ?? null,
    statusCodeBefore: c?.statusCode.before ?? null,
    statusCodeAfter: c?.statusCode.after ?? null,
    bodyEqual: c?.body.equal ?? null,
    bodyFormat: c?.body.format ?? null,
    bodyDifferences: c?.body.paths ?? [],
    bodyNote: c?.body.note ?? null,
    bodyBefore: c?.excerpts.before ?? null,
    bodyAfter: c?.excerpts.after ?? null,
    headerDifferences: c?.headers ?? [],
    durationMsBefore: c?.durationMs.before ?? null,
    durationMsAfter: c?.durationMs.after ?? null,
    redactedHeaders: item.redactedHeaders,
  };
}
