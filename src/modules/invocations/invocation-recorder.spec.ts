import { describe, expect, it } from 'vitest';
import type { PageResult } from '@/kernel/pagination/page.js';
import { InvocationRecorder, PROVISIONAL_DELAY_MS } from './invocation-recorder.js';
import type { InvocationRecord } from './invocation.record.js';
import { InvocationRepository } from './invocation.repository.js';
import { RecordedErrors } from '../../../test/support/recorded-errors.js';

/** Records each batch; fails the next `failures` batches. */
class BatchLog extends InvocationRepository {
  readonly batches: InvocationRecord[][] = [];
  readonly stored = new Map<string, InvocationRecord>();
  failures = 0;

  async saveAll(records: readonly InvocationRecord[]): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (this.failures > 0) {
      this.failures--;
      throw new Error('storage down');
    }
    this.batches.push([...records]);
    for (const record of records) this.stored.set(record.id, record);
  }

  async findById(id: string): Promise<InvocationRecord | null> {
    return this.stored.get(id) ?? null;
  }

  findByIds(): Promise<InvocationRecord[]> {
    throw new Error('not used');
  }

  list(): Promise<PageResult<InvocationRecord>> {
    throw new Error('not used');
  }

  latestByFunctionIds(): Promise<InvocationRecord[]> {
    throw new Error('not used');
  }
}

function record(id: string, status: InvocationRecord['status']): InvocationRecord {
  return { id, status } as InvocationRecord;
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('InvocationRecorder', () => {
  it('writes what is recorded within a turn as one batch, each record in its latest state', async () => {
    const storage = new BatchLog();
    const recorder = new InvocationRecorder(storage, new RecordedErrors());
    recorder.save(record('a', 'RUNNING'));
    recorder.save(record('b', 'RUNNING'));
    recorder.save(record('a', 'SUCCEEDED'));
    expect(await recorder.find('a')).toEqual(record('a', 'SUCCEEDED'));
    await recorder.flush();
    expect(storage.batches).toEqual([[record('a', 'SUCCEEDED'), record('b', 'RUNNING')]]);
  });

  it('never lets an earlier state land after a later one', async () => {
    const storage = new BatchLog();
    const recorder = new InvocationRecorder(storage, new RecordedErrors());
    recorder.save(record('a', 'RUNNING'));
    await turn();
    await turn();
    // The first batch is being written now; this one must wait for it.
    recorder.save(record('a', 'SUCCEEDED'));
    expect(await recorder.find('a')).toEqual(record('a', 'SUCCEEDED'));
    await recorder.flush();
    expect(storage.batches.map((batch) => batch.map((r) => r.status))).toEqual([['RUNNING'], ['SUCCEEDED']]);
    expect(storage.stored.get('a')?.status).toBe('SUCCEEDED');
  });

  it('resolves saveNow once stored, and keeps retrying background records after a failure', async () => {
    const storage = new BatchLog();
    const recorder = new InvocationRecorder(storage, new RecordedErrors());
    await recorder.saveNow(record('q', 'QUEUED'));
    expect(storage.stored.get('q')?.status).toBe('QUEUED');

    storage.failures = 1;
    recorder.save(record('r', 'SUCCEEDED'));
    await recorder.flush();
    expect(storage.stored.get('r')?.status).toBe('SUCCEEDED');
  });

  it('rejects saveNow when storage refuses, and does not write that record later', async () => {
    const storage = new BatchLog();
    const recorder = new InvocationRecorder(storage, new RecordedErrors());
    storage.failures = 1;
    await expect(recorder.saveNow(record('x', 'QUEUED'))).rejects.toThrow('storage down');
    await recorder.flush();
    expect(storage.stored.has('x')).toBe(false);
  });
});

describe('InvocationRecorder provisional states', () => {
  it('writes a provisional state only when nothing replaces it in time', async () => {
    const storage = new BatchLog();
    const recorder = new InvocationRecorder(storage, new RecordedErrors());
    recorder.saveProvisionally(record('fast', 'RUNNING'));
    recorder.saveProvisionally(record('slow', 'RUNNING'));
    expect(await recorder.find('fast')).toEqual(record('fast', 'RUNNING'));
    recorder.save(record('fast', 'SUCCEEDED'));
    await new Promise((resolve) => setTimeout(resolve, PROVISIONAL_DELAY_MS + 50));
    await recorder.flush();
    expect(
      storage.batches
        .flat()
        .map((r) => `${r.id}:${r.status}`)
        .sort(),
    ).toEqual(['fast:SUCCEEDED', 'slow:RUNNING']);
  });
});
