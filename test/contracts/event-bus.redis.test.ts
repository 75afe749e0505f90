import { describe } from 'vitest';
import { AppConfig } from '@/kernel/config/app-config.js';
import { RedisEventBus } from '@/adapters/events/redis/redis-event-bus.js';
import { RedisConnections } from '@/adapters/redis/redis-connections.js';
import { REDIS_URL, skipWithout } from '../support/services.js';
import { RecordedErrors } from '../support/recorded-errors.js';
import { eventBusContract } from './event-bus.contract.js';

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
