import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@/kernel/ids/new-id.js';
import type { ScheduleKey } from '@/modules/schedules/schedule-claim.record.js';
import { ScheduleClaimRepository } from '@/modules/schedules/schedule-claim.repository.js';

export interface ScheduleClaimsUnderTest {
  claims: ScheduleClaimRepository;
  /** A second handle on the same store (another connection, as another node has). */
  otherNode: ScheduleClaimRepository;
  cleanup(): Promise<void>;
}

/** The tick-claim port, against every adapter (see `storage.contract.ts`). */
export function scheduleClaimsContract(adapter: string, open: () => Promise<ScheduleClaimsUnderTest>): void {
  describe(`schedule claims contract: ${adapter}`, () => {
    let storage: ScheduleClaimsUnderTest | undefined;
    const store = (): ScheduleClaimsUnderTest => {
      if (!storage) throw new Error('storage was not opened');
      return storage;
    };
    beforeAll(async () => {
      storage = await open();
    });
    afterAll(async () => {
      await storage?.cleanup();
    });

    const aKey = (scheduleId = 'nightly'): ScheduleKey => ({ functionId: newId(), scheduleId });
    const tick = new Date('2030-01-01T03:00:00.000Z');

    it('lets one claim of a tick succeed: true, then false, also from another connection', async () => {
      const { claims, otherNode } = store();
      const key = aKey();
      expect(await claims.claim(key, tick, 'node-a', new Date())).toBe(true);
      expect(await claims.claim(key, tick, 'node-a', new Date())).toBe(false);
      expect(await otherNode.claim(key, tick, 'node-b', new Date())).toBe(false);
      const [latest] = await claims.latest([key]);
      expect(latest).toMatchObject({ ...key, tick, nodeId: 'node-a', invocationId: null, error: null });
    });

    it('settles concurrent claims of one tick with exactly one winner', async () => {
      const { claims, otherNode } = store();
      const key = aKey();
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? claims : otherNode).claim(key, tick, `node-${i}`, new Date())));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('keeps ticks, schedules and functions apart', async () => {
      const { claims } = store();
      const key = aKey();
      expect(await claims.claim(key, tick, 'n', new Date())).toBe(true);
      expect(await claims.claim(key, new Date(tick.getTime() + 1000), 'n', new Date())).toBe(true);
      expect(await claims.claim({ ...key, scheduleId: 'other' }, tick, 'n', new Date())).toBe(true);
      expect(await claims.claim({ functionId: newId(), scheduleId: key.scheduleId }, tick, 'n', new Date())).toBe(true);
    });

    it('gives the latest claim of each schedule, with what became of it', async () => {
      const { claims } = store();
      const first = aKey('a');
      const second = { functionId: first.functionId, scheduleId: 'b' };
      const never = { functionId: first.functionId, scheduleId: 'never' };
      const claimedAt = new Date('2030-01-01T03:00:00.123Z');
      for (let minute = 0; minute < 3; minute += 1) {
        await claims.claim(first, new Date(tick.getTime() + minute * 60_000), 'node-a', claimedAt);
      }
      await claims.claim(second, tick, 'node-b', claimedAt);
      const invocationId = newId();
      await claims.complete(first, new Date(tick.getTime() + 120_000), { invocationId, error: null });
      await claims.complete(second, tick, { invocationId: null, error: 'FUNCTION_NOT_READY: still building' });

      const latest = await claims.latest([first, second, never]);
      expect(latest).toHaveLength(2);
      expect(latest.find((c) => c.scheduleId === 'a')).toStrictEqual({
        ...first,
        tick: new Date(tick.getTime() + 120_000),
        nodeId: 'node-a',
        claimedAt,
        invocationId,
        error: null,
      });
      expect(latest.find((c) => c.scheduleId === 'b')).toMatchObject({ invocationId: null, error: 'FUNCTION_NOT_READY: still building' });
      expect(await claims.latest([])).toEqual([]);
    });

    it('prunes old claims but keeps each schedule its latest', async () => {
      const { claims } = store();
      const busy = aKey('busy');
      const rare = aKey('rare');
      const day = 24 * 3600 * 1000;
      const old = (days: number) => new Date(tick.getTime() - days * day);
      for (const days of [10, 9, 8]) await claims.claim(busy, old(days), 'n', old(days));
      await claims.claim(busy, tick, 'n', tick);
      await claims.claim(rare, old(30), 'n', old(30));
      await claims.claim(rare, old(20), 'n', old(20));

      expect(await claims.prune(old(7))).toBeGreaterThanOrEqual(4);
      const latest = await claims.latest([busy, rare]);
      expect(latest.map((c) => [c.scheduleId, c.tick])).toEqual(
        expect.arrayContaining([
          ['busy', tick],
          ['rare', old(20)],
        ]),
      );
      // Pruned ticks can be claimed again, but no node looks that far back (the catch-up window is at most a day).
      expect(await claims.claim(busy, tick, 'n', tick)).toBe(false);
      expect(await claims.claim(rare, old(20), 'n', old(20))).toBe(false);
    });
  });
}
