import { describe, expect, it, type Mocked } from 'vitest';
import { AppConfig } from '@/kernel/config/app-config.js';
import { ServiceUnavailableError } from '@/kernel/errors/domain-error.js';
import type { PageResult } from '@/kernel/pagination/page.js';
import { automock } from '../../../test/support/automock.js';
import { RecordedErrors } from '../../../test/support/recorded-errors.js';
import { InvocationObserver } from './invocation-observer.js';
import { InvocationRecorder, PROVISIONAL_DELAY_MS } from './invocation-recorder.js';
import type { InvocationRecord, InvocationWindowStats } from './invocation.record.js';
import { InvocationRepository } from './invocation.repository.js';

/** Records each batch as `insert:<id>:<status>` / `update:…`; fails the next `failures` writes (a full disk). */
class BatchLog extends InvocationRepository {
  readonly batches: string[][] = [];
  readonly stored = new Map<string, InvocationRecord>();
  failures = 0;
  probes = 0;

  async insertAll(records: readonly InvocationRecord[]): Promise<void> {
    await this.write('insert', records);
  }

  async updateAll(records: readonly InvocationRecord[]): Promise<void> {
    await this.write('update', records);
  }

  async probeWrite(): Promise<void> {
    this.probes++;
    await this.write('probe', []);
  }

  async findById(id: string): Promise<InvocationRecord | null> {
    return this.stored.get(id) ?? null;
  }

  transition(): Promise<boolean> {
    throw new Error('not used');
  }

  findOrphaned(): Promise<InvocationRecord[]> {
    throw new Error('not used');
  }
  purgePayloads(): Promise<number> {
    throw new Error('not used');
  }

  findByIds(): Promise<InvocationRecord[]> {
    throw new Error('not used');
  }

  list(): Promise<PageResult<InvocationRecord>> {
    throw new Error('not used');
  }

  versionWindowStats(): Promise<InvocationWindowStats> {
    throw new Error('not used');
  }
  latestByFunctionIds(): Promise<InvocationRecord[]> {
    throw new Error('not used');
  }

  private async write(kind: string, records: readonly InvocationRecord[]): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (this.failures > 0) {
      this.failures--;
      throw new Error('SQLITE_FULL: database or disk is full');
    }
    if (records.length > 0) this.batches.push(records.map((r) => `${kind}:${r.id}:${r.status}`));
    for (const record of records) this.stored.set(record.id, record);
  }
}

function record(id: string, status: InvocationRecord['status']): InvocationRecord {
  return { id, status } as InvocationRecord;
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

function recorderOn(storage: BatchLog, backlogMax = 100): { recorder: InvocationRecorder; observer: Mocked<InvocationObserver> } {
  const observer = automock(InvocationObserver, { methods: ['recordBacklog'] });
  observer.recordBacklog.mockReturnValue(undefined);
  const config = AppConfig.fromEnvironment({ NODE_ENV: 'test', FNGRAPH_RECORD_BACKLOG_MAX: String(backlogMax) });
  return { recorder: new InvocationRecorder(storage, new RecordedErrors(), observer, config), observer };
}

describe('InvocationRecorder', () => {
  it('writes what is recorded within a turn as one batch, each record in its latest state', async () => {
    const storage = new BatchLog();
    const { recorder } = recorderOn(storage);
    void recorder.insert(record('a', 'QUEUED'));
    recorder.update(record('b', 'RUNNING'));
    recorder.update(record('a', 'RUNNING'));
    expect(await recorder.find('a')).toEqual(record('a', 'RUNNING'));
    await recorder.flush();
    // `a` was never written: its latest state is still an insert.
    expect(storage.batches).toEqual([['insert:a:RUNNING'], ['update:b:RUNNING']]);
  });

  it('never lets an earlier state land after a later one; a state after a written insert is an update', async () => {
    const storage = new BatchLog();
    const { recorder } = recorderOn(storage);
    void recorder.insert(record('a', 'QUEUED'));
    await turn();
    await turn();
    // The first batch is being written now; this one must wait for it.
    const committed = recorder.commit(record('a', 'SUCCEEDED'));
    expect(await recorder.find('a')).toEqual(record('a', 'SUCCEEDED'));
    await committed;
    expect(storage.batches).toEqual([['insert:a:QUEUED'], ['update:a:SUCCEEDED']]);
  });

  it('resolves insert and commit only once stored (group commit: one batch for a turn)', async () => {
    const storage = new BatchLog();
    const { recorder } = recorderOn(storage);
    const all = Promise.all([recorder.insert(record('q', 'QUEUED')), recorder.commit(record('c', 'SUCCEEDED')), recorder.commit(record('d', 'FAILED'))]);
    expect(storage.stored.size).toBe(0);
    await all;
    expect([...storage.stored.keys()].sort()).toEqual(['c', 'd', 'q']);
    expect(storage.batches).toHaveLength(2);
  });

  it('rejects insert when storage refuses, and does not write that record later', async () => {
    const storage = new BatchLog();
    const { recorder } = recorderOn(storage);
    storage.failures = 1;
    await expect(recorder.insert(record('x', 'QUEUED'))).rejects.toThrow('disk is full');
    await recorder.flush();
    expect(storage.stored.has('x')).toBe(false);
  });

  it('keeps a failed commit and writes it once storage recovers; meanwhile refuses new invocations', async () => {
    const storage = new BatchLog();
    const { recorder } = recorderOn(storage);
    storage.failures = 2;
    await expect(recorder.commit(record('r', 'SUCCEEDED'))).rejects.toThrow('disk is full');
    expect(recorder.healthy).toBe(false);
    expect(() => recorder.assertAccepting()).toThrow(ServiceUnavailableError);
    await recorder.flush();
    expect(storage.stored.get('r')?.status).toBe('SUCCEEDED');
    expect(recorder.healthy).toBe(true);
    expect(() => recorder.assertAccepting()).not.toThrow();
  });

  it('after a failure with nothing left to write, probes storage until a write gets through', async () => {
    const storage = new BatchLog();
    const { recorder } = recorderOn(storage);
    storage.failures = 2;
    await expect(recorder.insert(record('x', 'QUEUED'))).rejects.toThrow();
    expect(recorder.healthy).toBe(false);
    // Retried after 100 ms (fails once more), then after 200 ms.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(storage.probes).toBeGreaterThanOrEqual(1);
    expect(recorder.healthy).toBe(true);
  });

  it('refuses new invocations beyond the backlog bound and reports the backlog and its high-water mark', async () => {
    const storage = new BatchLog();
    const { recorder, observer } = recorderOn(storage, 10);
    for (let i = 0; i < 10; i++) recorder.insertProvisionally(record(`p${i}`, 'RUNNING'));
    expect(recorder.backlog).toBe(10);
    expect(() => recorder.assertAccepting()).toThrow(/10 invocation records are waiting/);
    expect(observer.recordBacklog).toHaveBeenLastCalledWith(10, 10);
    for (let i = 0; i < 10; i++) await recorder.commit(record(`p${i}`, 'SUCCEEDED'));
    expect(recorder.backlog).toBe(0);
    expect(observer.recordBacklog).toHaveBeenLastCalledWith(0, 10);
    expect(storage.batches.flat().every((write) => write.startsWith('insert:'))).toBe(true);
  });
});

describe('InvocationRecorder.stored', () => {
  it('settles once the latest state this node holds is in storage, whether waiting, being written or provisional', async () => {
    const storage = new BatchLog();
    const { recorder } = recorderOn(storage);
    recorder.update(record('w', 'RUNNING'));
    await recorder.stored('w');
    expect(storage.stored.get('w')?.status).toBe('RUNNING');

    void recorder.commit(record('w', 'DEAD_LETTERED'));
    await turn(); // the batch is being written now
    recorder.update(record('x', 'RUNNING'));
    await recorder.stored('w');
    expect(storage.stored.get('w')?.status).toBe('DEAD_LETTERED');

    recorder.insertProvisionally(record('p', 'RUNNING'));
    await recorder.stored('p');
    expect(storage.batches.flat()).toContain('insert:p:RUNNING');
    await recorder.stored('unknown');
  });

  it('rejects while storage refuses the write', async () => {
    const storage = new BatchLog();
    storage.failures = 1;
    const { recorder } = recorderOn(storage);
    recorder.update(record('f', 'DEAD_LETTERED'));
    await expect(recorder.stored('f')).rejects.toThrow('disk is full');
  });
});

describe('InvocationRecorder provisional states', () => {
  it('inserts a provisional state only when nothing replaces it in time', async () => {
    const storage = new BatchLog();
    const { recorder } = recorderOn(storage);
    recorder.insertProvisionally(record('fast', 'RUNNING'));
    recorder.insertProvisionally(record('slow', 'RUNNING'));
    expect(await recorder.find('fast')).toEqual(record('fast', 'RUNNING'));
    await recorder.commit(record('fast', 'SUCCEEDED'));
    await new Promise((resolve) => setTimeout(resolve, PROVISIONAL_DELAY_MS + 50));
    await recorder.commit(record('slow', 'SUCCEEDED'));
    expect(storage.batches.flat()).toEqual(['insert:fast:SUCCEEDED', 'insert:slow:RUNNING', 'update:slow:SUCCEEDED']);
  });

  it('flushes provisional states at shutdown', async () => {
    const storage = new BatchLog();
    const { recorder } = recorderOn(storage);
    recorder.insertProvisionally(record('p', 'RUNNING'));
    await recorder.flush();
    expect(storage.batches.flat()).toEqual(['insert:p:RUNNING']);
  });
});
