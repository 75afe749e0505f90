import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@/kernel/ids/new-id.js';
import type { ComparisonRecord } from '@/modules/comparisons/comparison.record.js';
import { ComparisonRepository } from '@/modules/comparisons/comparison.repository.js';

export interface ComparisonsUnderTest {
  comparisons: ComparisonRepository;
  cleanup(): Promise<void>;
}

/** The shadow comparisons port, against every adapter (see `storage.contract.ts`). */
export function comparisonsContract(adapter: string, open: () => Promise<ComparisonsUnderTest>): void {
  describe(`comparisons contract: ${adapter}`, () => {
    let storage: ComparisonsUnderTest | undefined;
    const store = (): ComparisonRepository => {
      if (!storage) throw new Error('storage was not opened');
      return storage.comparisons;
    };
    beforeAll(async () => {
      storage = await open();
    });
    afterAll(async () => {
      await storage?.cleanup();
    });

    it('round-trips every field, nulls included, newest first per alias', async () => {
      const comparisons = store();
      const functionId = newId();
      const full = aComparison({
        functionId,
        outcome: 'DIFFERENT',
        differences: ['BODY', 'HEADERS'],
        detail: {
          statusBefore: 'SUCCEEDED',
          statusAfter: 'SUCCEEDED',
          statusCodeBefore: 200,
          statusCodeAfter: 200,
          bodyPaths: ['$.price', '$["a.b"]', '$.$ref'],
          headerNames: ['x-shape'],
          reason: null,
        },
      });
      const skipped = aComparison({
        functionId,
        candidateId: null,
        outcome: 'SKIPPED',
        differences: [],
        primaryDurationMs: null,
        candidateDurationMs: null,
        detail: { statusBefore: 'SUCCEEDED', statusAfter: null, statusCodeBefore: null, statusCodeAfter: null, bodyPaths: [], headerNames: [], reason: 'busy' },
      });
      const otherAlias = aComparison({ functionId, alias: 'staging' });
      for (const record of [full, skipped, otherAlias]) await comparisons.insert(record);
      expect(await comparisons.list({ functionId, alias: 'prod' }, 10)).toStrictEqual([skipped, full]);
      expect(await comparisons.list({ functionId, alias: 'prod' }, 1)).toStrictEqual([skipped]);
      expect(await comparisons.list({ functionId, alias: 'nothing' }, 10)).toEqual([]);
    });

    it('counts by outcome and by kind of difference, per candidate version when asked', async () => {
      const comparisons = store();
      const functionId = newId();
      const records = [
        aComparison({ functionId, outcome: 'IDENTICAL', differences: [] }),
        aComparison({ functionId, outcome: 'DIFFERENT', differences: ['BODY'] }),
        aComparison({ functionId, outcome: 'DIFFERENT', differences: ['STATUS', 'BODY'] }),
        aComparison({ functionId, outcome: 'FAILED', differences: [], candidateVersion: '3.0.0' }),
        aComparison({ functionId, outcome: 'SKIPPED', differences: [], candidateId: null }),
      ];
      for (const record of records) await comparisons.insert(record);
      expect(await comparisons.summarize({ functionId, alias: 'prod' })).toEqual({
        byOutcome: { IDENTICAL: 1, DIFFERENT: 2, FAILED: 1, SKIPPED: 1 },
        byDifference: { STATUS: 1, STATUS_CODE: 0, BODY: 2, HEADERS: 0 },
      });
      expect((await comparisons.summarize({ functionId, alias: 'prod', candidateVersion: '3.0.0' })).byOutcome).toEqual({
        IDENTICAL: 0,
        DIFFERENT: 0,
        FAILED: 1,
        SKIPPED: 0,
      });
    });

    it('gives the durations of the latest pairs that both ran', async () => {
      const comparisons = store();
      const functionId = newId();
      await comparisons.insert(aComparison({ functionId, primaryDurationMs: 1, candidateDurationMs: 10 }));
      await comparisons.insert(aComparison({ functionId, primaryDurationMs: 2, candidateDurationMs: null }));
      await comparisons.insert(aComparison({ functionId, primaryDurationMs: 3, candidateDurationMs: 30.5 }));
      expect(await comparisons.latestDurations({ functionId, alias: 'prod' }, 10)).toEqual([
        { primaryMs: 3, candidateMs: 30.5 },
        { primaryMs: 1, candidateMs: 10 },
      ]);
      expect(await comparisons.latestDurations({ functionId, alias: 'prod' }, 1)).toHaveLength(1);
    });
  });
}

function aComparison(overrides: Partial<ComparisonRecord> = {}): ComparisonRecord {
  return {
    id: newId(),
    functionId: newId(),
    alias: 'prod',
    primaryId: newId(),
    candidateId: newId(),
    primaryVersion: '1.0.0',
    candidateVersion: '2.0.0',
    outcome: 'IDENTICAL',
    differences: [],
    detail: { statusBefore: 'SUCCEEDED', statusAfter: 'SUCCEEDED', statusCodeBefore: 200, statusCodeAfter: 200, bodyPaths: [], headerNames: [], reason: null },
    primaryDurationMs: 1.5,
    candidateDurationMs: 2.25,
    createdAt: new Date('2030-02-02T02:02:02.202Z'),
    ...overrides,
  };
}
