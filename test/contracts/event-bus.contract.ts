import { afterEach, expect, it } from 'vitest';
import type { EventBus } from '@/kernel/events/event-bus.js';
import { type EventChannel, eventChannel } from '@/kernel/events/event-channel.js';

export interface EventBusFixture {
  /** Two buses that should see each other's events (the same one twice for in-process). */
  buses: [EventBus, EventBus];
  close(): Promise<void>;
}

/** The behaviour every EventBus adapter must have; `open` builds a fresh fixture per test. */
export function eventBusContract(open: () => Promise<EventBusFixture>, channelPrefix: string): void {
  let fixture: EventBusFixture | null = null;
  const channel = <T = unknown>(name: string): EventChannel<T> => eventChannel<T>(`${channelPrefix}.${name}.${Math.random().toString(36).slice(2)}`);
  const until = async (condition: () => boolean) => {
    for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  };

  afterEach(async () => {
    await fixture?.close();
    fixture = null;
  });

  it('delivers what is published after subscribe resolves, in order, across buses', async () => {
    fixture = await open();
    const [a, b] = fixture.buses;
    const name = channel('order');
    const received: unknown[] = [];
    await b.subscribe(name, (m) => received.push(m));
    for (let i = 0; i < 100; i++) a.publish(name, { i, nested: { at: `x${i}` } });
    await until(() => received.length === 100);
    expect(received).toEqual(Array.from({ length: 100 }, (_, i) => ({ i, nested: { at: `x${i}` } })));
  });

  it('keeps channels apart and stops delivering after unsubscribe', async () => {
    fixture = await open();
    const [a, b] = fixture.buses;
    const one = channel('one');
    const two = channel('two');
    const first: unknown[] = [];
    const second: unknown[] = [];
    const unsubscribe = await b.subscribe(one, (m) => first.push(m));
    await b.subscribe(two, (m) => second.push(m));
    a.publish(one, 1);
    a.publish(two, 2);
    await until(() => first.length === 1 && second.length === 1);
    await unsubscribe();
    a.publish(one, 3);
    a.publish(two, 4);
    await until(() => second.length === 2);
    expect(first).toEqual([1]);
    expect(second).toEqual([2, 4]);
  });

  it('gives every listener of a channel each message, even when one listener throws', async () => {
    fixture = await open();
    const [a, b] = fixture.buses;
    const name = channel('many');
    const got: string[] = [];
    await Promise.all([
      b.subscribe(name, () => {
        throw new Error('listener failure');
      }),
      b.subscribe(name, (m) => got.push(`x${String(m)}`)),
      b.subscribe(name, (m) => got.push(`y${String(m)}`)),
    ]);
    a.publish(name, 1);
    await until(() => got.length === 2);
    expect(got.sort()).toEqual(['x1', 'y1']);
  });
}
