import type { CanaryDecisionRecord, CanaryRecord } from '@/modules/canary/canary.record.js';

/**
 * A canary as one JSON document, dates as epoch milliseconds. Both stores keep the
 * canary whole in one text field beside the few fields they query on: it is always read
 * and written whole, and its decision list nests figures.
 */
type StoredDecision = Omit<CanaryDecisionRecord, 'at'> & { at: number };
type StoredCanary = Omit<CanaryRecord, 'startedAt' | 'stepStartedAt' | 'finishedAt' | 'decisions'> & {
  startedAt: number;
  stepStartedAt: number;
  finishedAt: number | null;
  decisions: StoredDecision[];
};

export function encodeCanary(record: CanaryRecord): string {
  const stored: StoredCanary = {
    ...record,
    startedAt: record.startedAt.getTime(),
    stepStartedAt: record.stepStartedAt.getTime(),
    finishedAt: record.finishedAt?.getTime() ?? null,
    decisions: record.decisions.map((decision) => ({ ...decision, at: decision.at.getTime() })),
  };
  return JSON.stringify(stored);
}

export function decodeCanary(json: string): CanaryRecord {
  const stored = JSON.parse(json) as StoredCanary;
  return {
    ...stored,
    startedAt: new Date(stored.startedAt),
    stepStartedAt: new Date(stored.stepStartedAt),
    finishedAt: stored.finishedAt === null ? null : new Date(stored.finishedAt),
    decisions: stored.decisions.map((decision) => ({ ...decision, at: new Date(decision.at) })),
  };
}

/** Unique per store: the alias while the canary runs (one running canary per alias), its own id after. */
export function canaryRunningKey(record: Pick<CanaryRecord, 'id' | 'functionId' | 'alias' | 'status'>): string {
  return record.status === 'RUNNING' ? `running:${record.functionId}/${record.alias}` : `done:${record.id}`;
}
