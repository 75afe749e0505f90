import { Injectable } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import { ServiceUnavailableError } from '@/kernel/errors/domain-error.js';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import { InvocationObserver } from './invocation-observer.js';
import type { InvocationRecord } from './invocation.record.js';
import { InvocationRepository } from './invocation.repository.js';

/** After a failed write the batch is retried, waiting longer each time up to this. */
const MAX_RETRY_DELAY_MS = 5000;
/**
 * How long a provisional state (a synchronous invocation that has started) may wait for
 * its successor before it is written anyway: most invocations end well within it, and
 * are then written once, finished.
 */
export const PROVISIONAL_DELAY_MS = 200;

interface PendingWrite {
  record: InvocationRecord;
  /** Not in storage yet: written with an insert, else with an update. */
  insert: boolean;
}

/**
 * Writes invocation records in batches (group commit): every state handed over within one
 * turn of the event loop goes to storage in one transaction, one batch at a time, in order.
 * A caller that must not go on before its record is durable (`insert`, `commit`) awaits its
 * batch; states nobody has seen yet (`insertProvisionally`, `update`) are written behind.
 *
 * The backlog is bounded: past `recordBacklogMax` waiting states, or while storage refuses
 * writes, `assertAccepting` refuses new invocations instead of holding them in memory.
 * Until written, `find` answers from memory, so this node never misses a record.
 */
@Injectable()
export class InvocationRecorder {
  /** Latest state of each record not yet handed to storage. */
  private waiting = new Map<string, PendingWrite>();
  /** Inserts that will be written only if nothing replaces them soon. */
  private readonly provisional = new Map<string, InvocationRecord>();
  /** The batch storage is writing now. */
  private writing = new Map<string, PendingWrite>();
  /** Settles when the batch that will carry what is waiting now is written. */
  private nextBatch: Promise<void> | null = null;
  /** Settles (never rejects) when the last scheduled batch is done: the next one starts after it. */
  private tail: Promise<void> = Promise.resolve();
  private retryDelayMs = 0;
  /** Why the last batch failed; null once a batch got through. */
  private failure: unknown = null;
  private highWater = 0;

  constructor(
    private readonly invocations: InvocationRepository,
    private readonly errors: UnexpectedErrors,
    private readonly observer: InvocationObserver,
    private readonly config: AppConfig,
  ) {}

  /** Records waiting for storage (provisional ones included). */
  get backlog(): number {
    return this.waiting.size + this.writing.size + this.provisional.size;
  }

  /** False while storage refuses writes: readiness reports it. */
  get healthy(): boolean {
    return this.failure === null;
  }

  /** Throws SERVICE_UNAVAILABLE when a new invocation could not be recorded promptly. */
  assertAccepting(): void {
    if (this.failure !== null) {
      throw new ServiceUnavailableError('Invocation records cannot be stored at the moment; no invocation is accepted until storage recovers', 5);
    }
    if (this.backlog >= this.config.delivery.recordBacklogMax) {
      throw new ServiceUnavailableError(`${this.backlog} invocation records are waiting to be stored; retry shortly`, 1);
    }
  }

  /** A new record, expected to be replaced soon: inserted only if no newer state arrives within `PROVISIONAL_DELAY_MS`. */
  insertProvisionally(record: InvocationRecord): void {
    this.provisional.set(record.id, record);
    this.noteBacklog();
    setTimeout(() => {
      if (this.provisional.get(record.id) === record) this.put(record, true).catch(() => undefined);
    }, PROVISIONAL_DELAY_MS).unref();
  }

  /**
   * A new record that must be in storage before its id leaves (a queued invocation: the
   * caller may ask any node about it). Rejects if storage refused it, and then it is never
   * written later behind the caller's back.
   */
  async insert(record: InvocationRecord): Promise<void> {
    try {
      await this.put(record, true);
    } catch (error) {
      if (this.waiting.get(record.id)?.record === record) this.waiting.delete(record.id);
      throw error;
    }
  }

  /** A new state of a record, written with the next batch; nobody waits for it. */
  update(record: InvocationRecord): void {
    this.put(record, false).catch(() => undefined);
  }

  /**
   * A state the caller is about to be told (a final state), resolved once stored. On failure
   * it stays queued and is retried until storage takes it: nothing that ran is forgotten.
   */
  commit(record: InvocationRecord): Promise<void> {
    return this.put(record, false);
  }

  /** The latest state of an invocation, written or not. */
  async find(id: string): Promise<InvocationRecord | null> {
    const pending = this.waiting.get(id) ?? this.writing.get(id);
    return this.provisional.get(id) ?? pending?.record ?? (await this.invocations.findById(id));
  }

  /**
   * Settles once this node's latest state of the record is in storage (at once when none is
   * pending here): a conditional write in storage must not race a state only this node holds.
   */
  async stored(id: string): Promise<void> {
    const provisional = this.provisional.get(id);
    if (provisional) await this.put(provisional, true);
    while (this.waiting.has(id) || this.writing.has(id)) await (this.waiting.has(id) ? this.schedule() : this.tail);
  }

  /** Writes everything recorded so far (shutdown); gives up after a few failed attempts. */
  async flush(attempts = 5): Promise<void> {
    for (const record of [...this.provisional.values()]) this.put(record, true).catch(() => undefined);
    for (let attempt = 1; this.waiting.size > 0 || this.nextBatch || this.writing.size > 0; attempt++) {
      try {
        // The batch being written may fail and put its records back: wait for it too.
        await (this.nextBatch ?? (this.writing.size > 0 ? this.tail : this.schedule()));
      } catch (error) {
        if (attempt >= attempts) {
          this.errors.report(error, { source: 'storage', where: `writing invocation records at shutdown: ${this.waiting.size} record(s) lost` });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs));
      }
    }
  }

  private put(record: InvocationRecord, insert: boolean): Promise<void> {
    // An insert not yet written stays an insert whatever state replaces it.
    const replacesInsert = this.provisional.delete(record.id) || this.waiting.get(record.id)?.insert === true;
    this.waiting.set(record.id, { record, insert: insert || replacesInsert });
    this.noteBacklog();
    return this.schedule();
  }

  private schedule(): Promise<void> {
    if (!this.nextBatch) {
      // After the batch being written (order), on the next turn (so a turn's records share a batch).
      const batch = this.tail.then(() => new Promise<void>((resolve) => setImmediate(resolve))).then(() => this.writeWaiting());
      this.nextBatch = batch;
      this.tail = batch.catch(() => undefined);
    }
    return this.nextBatch;
  }

  private async writeWaiting(): Promise<void> {
    this.writing = this.waiting;
    this.waiting = new Map();
    this.nextBatch = null;
    const inserts: PendingWrite[] = [];
    const updates: PendingWrite[] = [];
    for (const pending of this.writing.values()) (pending.insert ? inserts : updates).push(pending);
    let unwritten = [...inserts, ...updates];
    try {
      // Nothing left to write after a failure (refused inserts are withdrawn): ask storage directly whether it recovered.
      if (this.failure !== null && unwritten.length === 0) await this.invocations.probeWrite();
      await this.invocations.insertAll(inserts.map((pending) => pending.record));
      unwritten = updates;
      await this.invocations.updateAll(updates.map((pending) => pending.record));
      this.retryDelayMs = 0;
      this.failure = null;
    } catch (error) {
      this.requeue(unwritten);
      this.failure = error;
      this.retryDelayMs = Math.min(MAX_RETRY_DELAY_MS, Math.max(100, this.retryDelayMs * 2));
      this.errors.report(error, { source: 'storage', where: `writing ${unwritten.length} invocation record(s), retried in ${this.retryDelayMs} ms` });
      setTimeout(() => this.schedule().catch(() => undefined), this.retryDelayMs).unref();
      throw error;
    } finally {
      this.writing = new Map();
      this.noteBacklog();
    }
  }

  /** A failed batch goes back in line under any newer states, which inherit the need to insert. */
  private requeue(failed: readonly PendingWrite[]): void {
    for (const pending of failed) {
      const newer = this.waiting.get(pending.record.id);
      if (newer) newer.insert ||= pending.insert;
      else this.waiting.set(pending.record.id, pending);
    }
  }

  private noteBacklog(): void {
    const backlog = this.backlog;
    if (backlog > this.highWater) this.highWater = backlog;
    this.observer.recordBacklog(backlog, this.highWater);
  }
}
