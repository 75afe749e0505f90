import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DelayedError, type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { AppConfig } from '@/kernel/config/app-config.js';
import { type InvocationJob, InvocationQueue, type JobHandler } from '@/modules/invocations/invocation-queue.js';

/** How long closing waits for Redis before it lets go. */
const CLOSE_WAIT_MS = 5000;

/** True when `work` settled (either way) within `ms`. */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = work.then(
    () => true,
    () => true,
  );
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([settled, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Redis keys are `fngraph:<FNGRAPH_QUEUE_NAME>:*` (the waiting list `fngraph:invocations:wait` is what KEDA watches). */
export const QUEUE_PREFIX = 'fngraph';

/**
 * The job queue on Redis (BullMQ): any node with the worker role takes jobs, so a burst on
 * one node spreads over all. The job id is the invocation id, so enqueueing twice is
 * harmless. Leases are BullMQ locks renewed by the running worker; a worker that dies stops
 * renewing and its jobs go back to waiting at the next stalled-job check. A job to run
 * again later (retry, release at shutdown) is moved to the delayed set.
 */
@Injectable()
export class BullmqInvocationQueue extends InvocationQueue implements OnApplicationShutdown {
  private readonly logger = new Logger(BullmqInvocationQueue.name);
  private readonly queue: Queue<InvocationJob>;
  private worker: Worker<InvocationJob> | null = null;
  private readonly connections: Redis[] = [];

  constructor(private readonly config: AppConfig) {
    super();
    this.queue = new Queue<InvocationJob>(config.delivery.queueName, { connection: this.connect('queue', 3), prefix: QUEUE_PREFIX });
    this.queue.on('error', (error) => this.logger.warn(`Queue: ${error.message}`));
  }

  async enqueue(job: InvocationJob, delayMs = 0): Promise<void> {
    // Finished jobs are removed: the record is the truth, and a re-driven invocation is queued again under the same id.
    await this.queue.add('invoke', job, { jobId: job.invocationId, delay: delayMs, removeOnComplete: true, removeOnFail: true });
  }

  startWorking(handler: JobHandler, concurrency: number): void {
    const leaseMs = this.config.delivery.jobLeaseSeconds * 1000;
    // Blocking commands need a connection that never gives up on a reconnect (BullMQ requires it).
    this.worker = new Worker<InvocationJob>(this.config.delivery.queueName, (job, token) => this.process(handler, job, token), {
      connection: this.connect('worker', null),
      prefix: QUEUE_PREFIX,
      concurrency,
      lockDuration: leaseMs,
      stalledInterval: leaseMs,
      // Our records count the runs (`attempt`) and bound them; BullMQ must not fail a job that outlived a few workers.
      maxStalledCount: 1000,
      autorun: true,
    });
    this.worker.on('error', (error) => this.logger.warn(`Worker: ${error.message}`));
  }

  async stopWorking(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    // Waits for the running jobs (the drain has them return). A connection still reconnecting after a Redis outage
    // (BullMQ waits up to 20 s between attempts) must not hold the shutdown: past a bound, stop waiting.
    if (await settlesWithin(worker.close(), CLOSE_WAIT_MS)) return;
    // Even a forced close waits for that connection: let it go, and say so (the process is stopping anyway).
    this.logger.warn('The queue worker did not close within 5 s (Redis connection still reconnecting); leaving it behind');
    void worker.close(true).catch(() => undefined);
  }

  async depth(): Promise<number> {
    const counts = await this.queue.getJobCounts('wait', 'delayed', 'prioritized');
    return Object.values(counts).reduce((sum, count) => sum + count, 0);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stopWorking();
    await settlesWithin(this.queue.close(), CLOSE_WAIT_MS);
    // `quit` on a connection that is not up would wait in its offline queue for a reconnect.
    for (const connection of this.connections) {
      if (connection.status !== 'ready' || !(await settlesWithin(connection.quit(), CLOSE_WAIT_MS))) connection.disconnect();
    }
  }

  private async process(handler: JobHandler, job: Job<InvocationJob>, token: string | undefined): Promise<void> {
    const verdict = await handler(job.data);
    if (verdict.done) return;
    await job.moveToDelayed(Date.now() + verdict.retryInMs, token);
    // Tells BullMQ the job was moved, not finished.
    throw new DelayedError();
  }

  private connect(purpose: string, maxRetriesPerRequest: number | null): Redis {
    const connection = new Redis(this.config.redisUrl as string, { connectionName: `fngraph:${purpose}`, maxRetriesPerRequest });
    connection.on('error', (error: Error) => this.logger.warn(`Redis (${purpose}): ${error.message}`));
    this.connections.push(connection);
    return connection;
  }
}
