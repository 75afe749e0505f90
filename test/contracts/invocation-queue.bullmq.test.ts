import { randomBytes } from 'node:crypto';
import { describe, it } from 'vitest';
import { AppConfig } from '@/kernel/config/app-config.js';
import { BullmqInvocationQueue } from '@/adapters/queue/bullmq/bullmq-invocation-queue.js';
import { REDIS_URL, REQUIRE_SERVICES } from '../support/services.js';
import { invocationQueueContract, type QueueUnderTest } from './invocation-queue.contract.js';

interface BullmqInternals {
  worker: { close(force: boolean): Promise<void> } | null;
  queue: { close(): Promise<void> };
  connections: Array<{ disconnect(): void }>;
}

function onQueue(queueName: string): QueueUnderTest {
  const config = AppConfig.fromEnvironment({ NODE_ENV: 'test', REDIS_URL: REDIS_URL as string, FNGRAPH_QUEUE_NAME: queueName, FNGRAPH_JOB_LEASE_SECONDS: '2' });
  const queue = new BullmqInvocationQueue(config);
  const internals = queue as unknown as BullmqInternals;
  return {
    queue,
    // A killed process: no verdict, no lock renewal; its job's lock lapses and another worker's stalled check takes it back.
    crash: async () => {
      await internals.worker?.close(true);
      for (const connection of internals.connections) connection.disconnect();
    },
    reopen: async () => onQueue(queueName),
    close: () => queue.onApplicationShutdown(),
  };
}

if (!REDIS_URL) {
  describe('invocation queue contract: BullMQ', () => {
    it.skipIf(!REQUIRE_SERVICES)('needs Redis (REDIS_URL)', () => {
      throw new Error('REDIS_URL is not set, and FNGRAPH_REQUIRE_SERVICES=1 forbids skipping the BullMQ queue contract');
    });
  });
} else {
  invocationQueueContract('BullMQ on Redis', async () => onQueue(`contract-${randomBytes(6).toString('hex')}`));
}
