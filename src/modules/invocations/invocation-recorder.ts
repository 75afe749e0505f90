import { Injectable } from '@nestjs/common';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
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

/**
 * Writes invocation records behind the invocation path instead of in it. Each record's
 * latest state waits in memory and goes to storage together with every other waiting
 * record in one batch, on the next turn of the event loop: an invocation that finishes
 * within a turn costs one row write, and a busy server writes many invocations per
 * transaction. Until written, `find` answers from memory, so this node never misses a
 * record; other nodes see it after that turn.
 */
@Injectable()
export class InvocationRecorder {
  /** Latest state of each record not yet handed to storage. */
  private waiting = new Map<string, InvocationRecord>();
  /** States that will be written only if nothing replaces them soon. */
  private readonly provisional = new Map<string, InvocationRecord>();
  /** The batch storage is writing now (batches are written one at a time, in order). */
  private writing = new Map<string, InvocationRecord>();
  /** Settles when the batch that will carry what is waiting now is written. */
  private nextBatch: Promise<void> | null = null;
  /** Settles (never rejects) when the last scheduled batch is done: the next one starts after it. */
  private tail: Promise<void> = Promise.resolve();
  private retryDelayMs = 0;

  constructor(
    private readonly invocations: InvocationRepository,
    private readonly errors: UnexpectedErrors,
  ) {}

  /** Records a state of an invocation; it is written with the next batch. */
  save(record: InvocationRecord): void {
    this.provisional.delete(record.id);
    this.waiting.set(record.id, record);
    this.schedule().catch(() => undefined);
  }

  /**
   * Records a state expected to be replaced soon (an invocation that just started): it is
   * written only if no newer state arrives within `PROVISIONAL_DELAY_MS`.
   */
  saveProvisionally(record: InvocationRecord): void {
    this.provisional.set(record.id, record);
    setTimeout(() => {
      if (this.provisional.get(record.id) === record) this.save(record);
    }, PROVISIONAL_DELAY_MS).unref();
  }

  /**
   * Like `save`, but resolves once the record is in storage (rejects if storage refused
   * it): for a record that other nodes must find as soon as the caller learns its id.
   */
  async saveNow(record: InvocationRecord): Promise<void> {
    this.waiting.set(record.id, record);
    try {
      await this.schedule();
    } catch (error) {
      // The caller reports the failure: the record must not be written later behind its back.
      if (this.waiting.get(record.id) === record) this.waiting.delete(record.id);
      throw error;
    }
  }

  /** The latest state of an invocation, written or not. */
  async find(id: string): Promise<InvocationRecord | null> {
    return this.waiting.get(id) ?? this.provisional.get(id) ?? this.writing.get(id) ?? (await this.invocations.findById(id));
  }

  /** Writes everything recorded so far (shutdown); gives up after a few failed attempts. */
  async flush(attempts = 5): Promise<void> {
    for (const record of this.provisional.values()) this.save(record);
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
    const batch = [...this.writing.values()];
    try {
      await this.invocations.saveAll(batch);
      this.retryDelayMs = 0;
    } catch (error) {
      // Nothing is dropped: the batch goes back in line, under any newer states.
      for (const record of batch) if (!this.waiting.has(record.id)) this.waiting.set(record.id, record);
      this.retryDelayMs = Math.min(MAX_RETRY_DELAY_MS, Math.max(100, this.retryDelayMs * 2));
      this.errors.report(error, { source: 'storage', where: `writing ${batch.length} invocation record(s), retried in ${this.retryDelayMs} ms` });
      setTimeout(() => this.schedule().catch(() => undefined), this.retryDelayMs).unref();
      throw error;
    } finally {
      this.writing = new Map();
    }
  }
}
