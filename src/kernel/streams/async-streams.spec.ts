import { describe, expect, it } from 'vitest';
import { EventQueue } from '@/kernel/events/event-queue.js';
import { interruptible, mapStream } from './async-streams.js';

/** A stream like the subscription ones: waits on a queue, cleans up in `finally`. */
function stream(queue: EventQueue<number>, cleanedUp: string[]): AsyncGenerator<number> {
  async function* body(): AsyncGenerator<number> {
    try {
      for await (const item of queue) yield item;
    } finally {
      cleanedUp.push('done');
    }
  }
  return interruptible(queue, body());
}

describe('interruptible streams', () => {
  it('end at once on return() while waiting for the next item, through a mapping', async () => {
    const queue = new EventQueue<number>(10);
    const cleanedUp: string[] = [];
    const mapped = mapStream(stream(queue, cleanedUp), (n) => n * 2);
    queue.push(1);
    expect(await mapped.next()).toEqual({ value: 2, done: false });
    const pending = mapped.next(); // waits: nothing queued
    await mapped.return(undefined);
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(cleanedUp).toEqual(['done']);
  });

  it('a plain mapping async generator would not (why mapStream exists)', async () => {
    const queue = new EventQueue<number>(10);
    async function* map(): AsyncGenerator<number> {
      for await (const n of queue) yield n;
    }
    const generator = map();
    void generator.next();
    let returned = false;
    void generator.return(undefined).then(() => (returned = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(returned).toBe(false);
    await queue.close();
  });
});
