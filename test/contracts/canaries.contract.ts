import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@/kernel/ids/new-id.js';
import type { CanaryRecord } from '@/modules/canary/canary.record.js';
import { CanaryRepository } from '@/modules/canary/canary.repository.js';

export interface CanariesUnderTest {
  canaries: CanaryRepository;
  /** A second handle on the same store (another connection, as another node has). */
  otherNode: CanaryRepository;
  cleanup(): Promise<void>;
}

export function aCanary(overrides: Partial<CanaryRecord> = {}): CanaryRecord {
  return {
    id: newId(),
    functionId: newId(),
    alias: 'prod',
    stableVersion: '1.0.0',
    candidateVersion: '1.1.0',
    status: 'RUNNING',
    steps: [10, 25, 50, 100],
    stepIndex: 0,
    weight: 10,
    stepSeconds: 60,
    minInvocations: 20,
    maxErrorRateIncrease: 0.05,
    maxP99Ratio: 1.5,
    startedAt: new Date('2031-02-03T04:05:06.789Z'),
    stepStartedAt: new Date('2031-02-03T04:05:06.789Z'),
    finishedAt: null,
    reason: null,
    startedBy: 'dora',
    decisions: [
      { at: new Date('2031-02-03T04:05:06.789Z'), step: 0, weight: 10, action: 'START', reason: 'started', stable: null, candidate: null },
      {
        at: new Date('2031-02-03T04:06:06.789Z'),
        step: 0,
        weight: 25,
        action: 'ADVANCE',
        reason: 'within thresholds',
        stable: { count: 180, errors: 1, p99DurationMs: 12.5 },
        candidate: { count: 20, errors: 0, p99DurationMs: null },
      },
    ],
    revision: 1,
    ...overrides,
  };
}

/** The canary port, against every adapter (see `storage.contract.ts`). */
export function canariesContract(adapter: string, open: () => Promise<CanariesUnderTest>): void {
  describe(`canaries contract: ${adapter}`, () => {
    let storage: CanariesUnderTest | undefined;
    const store = (): CanariesUnderTest => {
      if (!storage) throw new Error('storage was not opened');
      return storage;
    };
    beforeAll(async () => {
      storage = await open();
    });
    afterAll(async () => {
      await storage?.cleanup();
    });

    it('round-trips every field, decisions and their figures included', async () => {
      const { canaries, otherNode } = store();
      const canary = aCanary();
      expect(await canaries.insert(canary)).toBe(true);
      expect(await otherNode.findById(canary.id)).toStrictEqual(canary);
      expect(await canaries.latest(canary.functionId, 'prod')).toStrictEqual(canary);
      expect(await canaries.findById(newId())).toBeNull();
      expect(await canaries.latest(canary.functionId, 'staging')).toBeNull();
    });

    it('allows one running canary per alias, from any connection, and the next once it ended', async () => {
      const { canaries, otherNode } = store();
      const first = aCanary();
      expect(await canaries.insert(first)).toBe(true);
      expect(await otherNode.insert(aCanary({ functionId: first.functionId }))).toBe(false);
      // Another alias of the function, or the same alias of another function: independent.
      expect(await otherNode.insert(aCanary({ functionId: first.functionId, alias: 'beta' }))).toBe(true);
      expect(await otherNode.insert(aCanary({ alias: 'prod' }))).toBe(true);

      expect(await canaries.update({ ...first, status: 'PROMOTED', finishedAt: new Date(), revision: 2 })).toBe(true);
      const next = aCanary({ functionId: first.functionId });
      expect(await otherNode.insert(next)).toBe(true);
      expect((await canaries.latest(first.functionId, 'prod'))?.id).toBe(next.id);
    });

    it('stores a change only over the revision it was made from: of racing nodes, one wins', async () => {
      const { canaries, otherNode } = store();
      const canary = aCanary();
      await canaries.insert(canary);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 ? canaries : otherNode).update({ ...canary, stepIndex: 1, weight: 20 + i, revision: canary.revision + 1 })),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const stored = await canaries.findById(canary.id);
      expect(stored?.revision).toBe(2);
      // A stale change (made from revision 1) is refused.
      expect(await canaries.update({ ...canary, status: 'ABORTED', revision: 2 })).toBe(false);
      expect(await canaries.update({ ...stored!, status: 'ABORTED', revision: 3 })).toBe(true);
      expect((await otherNode.findById(canary.id))?.status).toBe('ABORTED');
    });

    it('lists the running canaries only', async () => {
      const { canaries } = store();
      const running = aCanary();
      const ended = aCanary({ status: 'ROLLED_BACK', finishedAt: new Date(), reason: 'errors' });
      await canaries.insert(running);
      await canaries.insert(ended);
      const listed = await canaries.listRunning();
      expect(listed.map((c) => c.id)).toContain(running.id);
      expect(listed.map((c) => c.id)).not.toContain(ended.id);
      expect(listed.every((c) => c.status === 'RUNNING')).toBe(true);
    });
  });
}
