import { join } from 'node:path';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import Database from 'better-sqlite3';
import { AppConfig } from '@/kernel/config/app-config.js';
import { type InvocationJob, InvocationQueue, type JobHandler, type JobVerdict } from '@/modules/invocations/invocation-queue.js';
import { ensurePrivateDatabaseFile, ensurePrivateDirectory } from '@/kernel/files/private-files.js';

const QUEUE_FILE_NAME = 'queue.sqlite';
/** How often an idle worker looks for due jobs (an enqueue on this node wakes it at once). */
const POLL_MS = 250;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS jobs (
    invocation_id TEXT PRIMARY KEY,
    job TEXT NOT NULL,
    run_at INTEGER NOT NULL,
    lease_until INTEGER
  );
  CREATE INDEX IF NOT EXISTS jobs_due ON jobs (run_at);
`;

interface JobRow {
  invocation_id: string;
  job: string;
}

/**
 * The job queue of a node without Redis: a SQLite file of its own in the data directory
 * (FULL synchronous commits: a queued job survives a power cut, not only a crash). The file
 * belongs to this node alone, so leases left by an earlier process are void at start:
 * work it had running is delivered again at once.
 */
@Injectable()
export class SqliteInvocationQueue extends InvocationQueue implements OnApplicationShutdown {
  private readonly db: Database.Database;
  private handler: JobHandler | null = null;
  private concurrency = 0;
  private readonly running = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private renewer: NodeJS.Timeout | null = null;
  private readonly leaseMs: number;
  /** Prepared once: enqueue, poll and renewal run them all the time. */
  private readonly sql: ReturnType<typeof prepareStatements>;

  constructor(config: AppConfig) {
    super();
    ensurePrivateDirectory(config.dataDir, config.dataDirMode);
    const file = join(config.dataDir, QUEUE_FILE_NAME);
    ensurePrivateDatabaseFile(file);
    this.db = new Database(file, { timeout: 5000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
    this.db.prepare('UPDATE jobs SET lease_until = NULL WHERE lease_until IS NOT NULL').run();
    this.leaseMs = config.delivery.jobLeaseSeconds * 1000;
    this.sql = prepareStatements(this.db);
  }

  async enqueue(job: InvocationJob, delayMs = 0): Promise<void> {
    this.sql.insert.run(job.invocationId, JSON.stringify(job), Date.now() + delayMs);
    if (this.handler && delayMs === 0) setImmediate(() => this.poll());
  }

  startWorking(handler: JobHandler, concurrency: number): void {
    this.handler = handler;
    this.concurrency = concurrency;
    this.timer = setInterval(() => this.poll(), POLL_MS);
    // Renewal keeps the leases of long runs alive; only a stopped process lets them lapse.
    this.renewer = setInterval(() => this.renewLeases(), this.leaseMs / 3);
    setImmediate(() => this.poll());
  }

  async stopWorking(): Promise<void> {
    this.handler = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled(this.running.values());
    if (this.renewer) clearInterval(this.renewer);
    this.renewer = null;
  }

  async depth(): Promise<number> {
    return (this.sql.count.get() as { n: number }).n;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stopWorking();
    if (this.db.open) this.db.close();
  }

  private poll(): void {
    const handler = this.handler;
    const free = this.concurrency - this.running.size;
    if (!handler || free <= 0 || !this.db.open) return;
    const now = Date.now();
    const leased = this.sql.lease.all(now + this.leaseMs, now, now, free) as JobRow[];
    for (const row of leased) {
      const run = this.run(handler, row).finally(() => {
        this.running.delete(row.invocation_id);
        setImmediate(() => this.poll());
      });
      this.running.set(row.invocation_id, run);
    }
  }

  private async run(handler: JobHandler, row: JobRow): Promise<void> {
    const verdict: JobVerdict = await handler(JSON.parse(row.job) as InvocationJob);
    if (!this.db.open) return;
    if (verdict.done) this.sql.remove.run(row.invocation_id);
    else this.sql.later.run(Date.now() + verdict.retryInMs, row.invocation_id);
  }

  private renewLeases(): void {
    if (this.running.size === 0 || !this.db.open) return;
    const until = Date.now() + this.leaseMs;
    for (const id of this.running.keys()) this.sql.renew.run(until, id);
  }
}

function prepareStatements(db: Database.Database) {
  return {
    insert: db.prepare('INSERT INTO jobs (invocation_id, job, run_at) VALUES (?, ?, ?) ON CONFLICT(invocation_id) DO NOTHING'),
    count: db.prepare('SELECT count(*) AS n FROM jobs WHERE lease_until IS NULL'),
    lease: db.prepare(
      `UPDATE jobs SET lease_until = ? WHERE invocation_id IN (
         SELECT invocation_id FROM jobs WHERE run_at <= ? AND (lease_until IS NULL OR lease_until < ?) ORDER BY run_at LIMIT ?
       ) RETURNING invocation_id, job`,
    ),
    remove: db.prepare('DELETE FROM jobs WHERE invocation_id = ?'),
    later: db.prepare('UPDATE jobs SET run_at = ?, lease_until = NULL WHERE invocation_id = ?'),
    renew: db.prepare('UPDATE jobs SET lease_until = ? WHERE invocation_id = ?'),
  };
}
