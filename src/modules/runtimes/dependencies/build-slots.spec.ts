import { describe, expect, it } from 'vitest';
import { BuildSlots } from './build-slots.js';

function gate(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('BuildSlots', () => {
  it('runs at most `size` tasks at once, the others in order, and survives failures', async () => {
    const slots = new BuildSlots(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const gates = Array.from({ length: 5 }, gate);
    const tasks = gates.map((g, i) =>
      slots.run(async () => {
        running++;
        peak = Math.max(peak, running);
        order.push(i);
        await g.promise;
        running--;
        if (i === 1) throw new Error('task 1 failed');
        return i;
      }),
    );
    const settled = Promise.allSettled(tasks);
    await Promise.resolve();
    expect(slots.full).toBe(true);
    expect(slots.queued).toBe(3);
    for (const g of gates) {
      g.resolve();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const results = await settled;
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(slots.full).toBe(false);
    expect(await slots.run(async () => 'free again')).toBe('free again');
  });
});
