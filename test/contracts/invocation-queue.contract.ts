import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { InvocationJob, InvocationQueue, JobVerdict } from '@/modules/invocations/invocation-queue.js';

export interface QueueUnderTest {
  queue: InvocationQueue;
  /** Stops this handle the way a killed process stops: no verdict, no lease renewal, nothing waited for. */
  crash(): Promise<void>;
  /** A second handle on the same queue, as another process would open it (after this one died). */
  reopen(): Promise<QueueUnderTest>;
  close(): Promise<void>;
}

const job = (body = 'x'): InvocationJob => ({
  invocationId: randomUUID(),
  event: { method: 'POST', path: '/', headers: {}, query: {}, body, isBase64Encoded: false },
  traceparent: null,
});

async function until(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The contract of the job queue, for every adapter (BullMQ on Redis, the local SQLite file):
 * durable enqueue, each job delivered to one handler at a time, run again when its verdict
 * says so, and delivered again when the process that held it is gone.
 */
export function invocationQueueContract(adapter: string, open: () => Promise<QueueUnderTest>): void {
  describe(`invocation queue contract: ${adapter}`, () => {
    const opened: QueueUnderTest[] = [];
    const openQueue = async () => {
      const under = await open();
      opened.push(under);
      return under;
    };

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((under) => under.close()));
    });

    it('delivers every job once to the handler, with its event, and counts what waits', async () => {
      const { queue } = await openQueue();
      const jobs = Array.from({ length: 10 }, (_, i) => job(`body ${i}`));
      for (const queued of jobs) await queue.enqueue(queued);
      await queue.enqueue(jobs[0]!); // the same id again: still one job
      expect(await queue.depth()).toBe(10);

      const seen: InvocationJob[] = [];
      queue.startWorking(async (delivered) => {
        seen.push(delivered);
        return { done: true };
      }, 4);
      await until('10 deliveries', () => seen.length >= 10);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seen.map((delivered) => delivered.invocationId).sort()).toEqual(jobs.map((queued) => queued.invocationId).sort());
      expect(seen.find((delivered) => delivered.invocationId === jobs[3]!.invocationId)?.event?.body).toBe('body 3');
      expect(await queue.depth()).toBe(0);
    });

    it('runs a job again after the delay its verdict asks for, and not before', async () => {
      const { queue } = await openQueue();
      const queued = job();
      const deliveries: number[] = [];
      queue.startWorking(async (): Promise<JobVerdict> => {
        deliveries.push(Date.now());
        return deliveries.length < 3 ? { done: false, retryInMs: 400 } : { done: true };
      }, 2);
      await queue.enqueue(queued);
      await until('3 deliveries', () => deliveries.length >= 3);
      expect(deliveries[1]! - deliveries[0]!).toBeGreaterThanOrEqual(350);
      expect(deliveries[2]! - deliveries[1]!).toBeGreaterThanOrEqual(350);
    });

    it('holds at most `concurrency` jobs at once, and stopping waits for the running ones', async () => {
      const { queue } = await openQueue();
      let running = 0;
      let most = 0;
      let finished = 0;
      queue.startWorking(async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 150));
        running--;
        finished++;
        return { done: true };
      }, 3);
      for (let i = 0; i < 9; i++) await queue.enqueue(job());
      await until('the first run', () => running > 0);
      await queue.stopWorking();
      expect(running).toBe(0);
      expect(most).toBeLessThanOrEqual(3);
      expect(finished).toBeGreaterThan(0);
    });

    it('delivers again, elsewhere, a job whose holder went away without a verdict', async () => {
      const first = await openQueue();
      const queued = job('survives');
      const taken: string[] = [];
      first.queue.startWorking(async (delivered) => {
        taken.push(delivered.invocationId);
        // Never answers: the process holding it dies (its queue is closed without a verdict).
        return new Promise<JobVerdict>(() => undefined);
      }, 1);
      await first.queue.enqueue(queued);
      await until('the first delivery', () => taken.length === 1);
      await first.crash();
      opened.splice(opened.indexOf(first), 1);

      const second = await first.reopen();
      opened.push(second);
      const redelivered: InvocationJob[] = [];
      second.queue.startWorking(async (delivered) => {
        redelivered.push(delivered);
        return { done: true };
      }, 1);
      await until('the job delivered again', () => redelivered.length === 1, 30_000);
      expect(redelivered[0]).toMatchObject({ invocationId: queued.invocationId, event: { body: 'survives' } });
    }, 40_000);
  });
}
