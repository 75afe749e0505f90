import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppConfig } from '@/kernel/config/app-config.js';
import { eventChannel } from '@/kernel/events/event-channel.js';
import type { LogLineRecord } from '@/modules/invocations/invocation.record.js';
import { RedisEventBus } from '@/adapters/events/redis/redis-event-bus.js';
import { RedisRunningLogBuffer } from '@/adapters/events/redis/redis-running-log-buffer.js';
import { RedisConnections } from '@/adapters/redis/redis-connections.js';
import { REDIS_URL, skipWithout } from '../support/services.js';
import { RecordedErrors } from '../support/recorded-errors.js';
import { redisServerBinary, throwawayRedis, type ThrowawayService } from '../support/throwaway-services.js';
import { eventBusContract } from './event-bus.contract.js';

const REDIS_BIN = redisServerBinary();

describe.skipIf(skipWithout('Redis', REDIS_URL))('EventBus contract: Redis', () => {
  eventBusContract(async () => {
    const config = AppConfig.fromEnvironment({ NODE_ENV: 'test', REDIS_URL });
    // Two sets of connections: as two server nodes would have.
    const nodes = [new RedisConnections(config), new RedisConnections(config)];
    const buses = nodes.map((connections) => new RedisEventBus(connections, new RecordedErrors())) as [RedisEventBus, RedisEventBus];
    return {
      buses,
      close: async () => {
        for (const bus of buses) bus.onApplicationShutdown();
        await Promise.all(nodes.map((n) => n.onApplicationShutdown()));
      },
    };
  }, 'test');
});

describe.skipIf(skipWithout('Redis', REDIS_URL) || !REDIS_BIN)('EventBus on Redis across an outage (its own Redis, stopped and started)', () => {
  let redis: ThrowawayService;
  let nodes: RedisConnections[];
  let buses: [RedisEventBus, RedisEventBus];
  const until = async (condition: () => boolean) => {
    for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 20));
  };

  beforeAll(async () => {
    redis = await throwawayRedis(REDIS_BIN as string);
    const config = AppConfig.fromEnvironment({ NODE_ENV: 'test', REDIS_URL: redis.url });
    nodes = [new RedisConnections(config), new RedisConnections(config)];
    buses = nodes.map((connections) => new RedisEventBus(connections, new RecordedErrors())) as [RedisEventBus, RedisEventBus];
  });

  afterAll(async () => {
    for (const bus of buses ?? []) bus.onApplicationShutdown();
    await Promise.all((nodes ?? []).map((n) => n.onApplicationShutdown()));
    await redis?.dispose();
  });

  it('publishes at once while Redis is down, redelivers what its channel asks for once it is back, and tells subscribers they resumed', async () => {
    const [a, b] = buses;
    const kept = eventChannel<{ n: number; final: boolean }>(`test.outage.${Math.random()}`, { redeliver: (m) => m.final });
    const received: unknown[] = [];
    let resumed = 0;
    await b.subscribe(kept, (m) => received.push(m), { onResumed: () => resumed++ });
    // Both nodes connected (the publisher too) before the outage.
    await a.publish(kept, { n: 0, final: false });
    await until(() => received.length === 1);

    await redis.stop();
    // Resolved while Redis is still down: publishing does not wait for it.
    await Promise.all([a.publish(kept, { n: 1, final: false }), a.publish(kept, { n: 2, final: true })]);
    await redis.start();

    await until(() => resumed > 0);
    expect(resumed).toBe(1);
    // Messages flow again once the publisher is back too (until then a message that is not kept is dropped).
    const heard = (n: number) => received.some((m) => (m as { n: number }).n === n);
    for (let i = 0; i < 30 && !heard(3); i++) {
      await a.publish(kept, { n: 3, final: false });
      await until(() => heard(3) || received.length > 100);
    }
    // What was not kept is gone; the kept one is published again once the publisher is back. Whether another
    // node hears it depends on which of the two reconnects first (pub/sub keeps nothing), which is why
    // subscribers re-read what they follow when told they resumed (test/e2e/redis-outage.test.ts shows
    // they end up with everything). Here: n 2 at most once.
    const seen = received.map((m) => (m as { n: number }).n);
    expect(seen[0]).toBe(0);
    expect(seen).not.toContain(1);
    expect(seen.filter((n) => n === 2).length).toBeLessThanOrEqual(1);
    expect(heard(3)).toBe(true);
  });

  it('rewrites the live log buffer of invocations still running here from memory once Redis is back', async () => {
    const buffer = new RedisRunningLogBuffer(nodes[0]);
    const lines: LogLineRecord[] = [];
    const id = `outage-${Math.random().toString(36).slice(2)}`;
    buffer.restoreFrom(() => [{ invocationId: id, lines }]);
    const add = (seq: number) => {
      const line: LogLineRecord = { seq, timestamp: new Date(seq), stream: 'stdout', message: `line ${seq}` };
      lines.push(line);
      buffer.append(id, line);
    };
    const readUntil = async (count: number) => {
      let read: number[] = [];
      for (let i = 0; i < 100 && read.length < count; i++, await new Promise((r) => setTimeout(r, 50))) {
        read = ((await buffer.read(id).catch(() => null)) ?? []).map((l) => l.seq);
      }
      return read;
    };
    add(1);
    add(2);
    expect(await readUntil(2)).toEqual([1, 2]);
    await redis.stop();
    add(3);
    add(4);
    await redis.start();
    add(5);
    expect(await readUntil(5)).toEqual([1, 2, 3, 4, 5]);
  });
});
