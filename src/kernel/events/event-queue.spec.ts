import { describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue.js';

describe('EventQueue', () => {
  it('hands items to a waiting reader, then buffers them in order', async () => {
    const queue = new EventQueue<number>(10);
    const first = queue.next();
    queue.push(1);
    queue.push(2);
    queue.push(3);
    expect(await first).toEqual({ value: 1, done: false });
    expect((await queue.next()).value).toBe(2);
    expect((await queue.next()).value).toBe(3);
  });

  it('drops the oldest items beyond capacity and counts them', async () => {
    const queue = new EventQueue<number>(3);
    for (let i = 1; i <= 10; i++) queue.push(i);
    expect(queue.takeDropped()).toBe(7);
    expect(queue.takeDropped()).toBe(0);
    const values = [(await queue.next()).value, (await queue.next()).value, (await queue.next()).value];
    expect(values).toEqual([8, 9, 10]);
    queue.push(11);
    expect((await queue.next()).value).toBe(11);
  });

  it('ends a pending read on close and calls onClose once', async () => {
    let closed = 0;
    const queue = new EventQueue<number>(3, () => {
      closed++;
    });
    const pending = queue.next();
    await queue.return();
    await queue.close();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(closed).toBe(1);
    queue.push(1);
    expect((await queue.next()).done).toBe(true);
  });
});
