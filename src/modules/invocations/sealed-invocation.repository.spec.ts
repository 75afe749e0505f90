import { describe, expect, it } from 'vitest';
import { EnvelopeCipher } from '@/kernel/crypto/envelope-cipher.js';
import type { SealedBox } from '@/kernel/crypto/sealed-box.js';
import type { PageRequest, PageResult } from '@/kernel/pagination/page.js';
import type { InvocationFilter, InvocationRecord, InvocationStatus, InvocationWindowStats } from './invocation.record.js';
import { InvocationRepository } from './invocation.repository.js';
import { SealedInvocationRepository } from './sealed-invocation.repository.js';

/** Stands in for AES-GCM: reversible, keyed, and visibly not the plaintext. */
class XorCipher extends EnvelopeCipher {
  constructor(private readonly keyId = 'k1') {
    super();
  }
  seal(plaintext: Buffer): SealedBox {
    return { keyId: this.keyId, wrappedKey: Buffer.alloc(0), ciphertext: Buffer.from(plaintext.map((b) => b ^ 0x5a)) };
  }
  open(box: SealedBox): Buffer {
    if (box.keyId !== this.keyId) throw new Error(`No master key ${box.keyId}`);
    return Buffer.from(box.ciphertext.map((b) => b ^ 0x5a));
  }
  rewrap(box: SealedBox): SealedBox {
    return box;
  }
  get currentKeyId(): string {
    return this.keyId;
  }
}

/** Keeps what it is given, as a store would. */
class MemoryInvocations extends InvocationRepository {
  readonly stored = new Map<string, InvocationRecord>();
  async insertAll(records: readonly InvocationRecord[]): Promise<void> {
    for (const r of records) this.stored.set(r.id, structuredClone(r));
  }
  async updateAll(records: readonly InvocationRecord[]): Promise<void> {
    await this.insertAll(records);
  }
  async transition(record: InvocationRecord, _from: readonly InvocationStatus[]): Promise<boolean> {
    await this.insertAll([record]);
    return true;
  }
  async findById(id: string): Promise<InvocationRecord | null> {
    return this.stored.get(id) ?? null;
  }
  async findByIds(ids: readonly string[]): Promise<InvocationRecord[]> {
    return ids.flatMap((id) => this.stored.get(id) ?? []);
  }
  async list(_filter: InvocationFilter, _page: PageRequest): Promise<PageResult<InvocationRecord>> {
    return { items: [...this.stored.values()], hasMore: false };
  }
  versionWindowStats(): Promise<InvocationWindowStats> {
    return Promise.resolve({ count: 0, errors: 0, p99DurationMs: null });
  }
  async latestByFunctionIds(): Promise<InvocationRecord[]> {
    return [...this.stored.values()];
  }
  async purgePayloads(): Promise<number> {
    return 0;
  }
  async probeWrite(): Promise<void> {}
  async findOrphaned(): Promise<InvocationRecord[]> {
    return [];
  }
}

const record: InvocationRecord = {
  id: 'i-1',
  functionId: 'f-1',
  functionName: 'echo',
  versionId: 'v-1',
  version: '1.0.0',
  alias: null,
  trigger: 'HTTP',
  callerId: null,
  status: 'SUCCEEDED',
  request: {
    method: 'POST',
    path: '/secret-path',
    headers: { 'x-token': 'secret-header' },
    query: { q: 'secret-query' },
    body: 'secret-body',
    isBase64Encoded: false,
  },
  requestTruncated: false,
  response: { answer: 'secret-response' },
  responseTruncated: false,
  error: null,
  coldStart: true,
  durationMs: 3,
  initDurationMs: 1,
  memoryPeakBytes: null,
  cpuTimeMs: null,
  queuedAt: new Date('2030-01-01T00:00:00.000Z'),
  startedAt: new Date('2030-01-01T00:00:00.001Z'),
  finishedAt: new Date('2030-01-01T00:00:00.004Z'),
  traceId: null,
  logs: [{ seq: 1, timestamp: new Date('2030-01-01T00:00:00.002Z'), stream: 'stdout', message: 'secret-line' }],
  logsTruncated: false,
  nodeId: 'n-1',
  attempt: 1,
  queued: false,
  comparedWith: null,
  contractViolations: [],
};

describe(SealedInvocationRepository.name, () => {
  it('stores request, response and logs sealed and gives them back whole on every read', async () => {
    const store = new MemoryInvocations();
    const sut = new SealedInvocationRepository(store, new XorCipher());
    await sut.insertAll([record]);
    const raw = store.stored.get('i-1')!;
    expect(JSON.stringify(raw)).not.toMatch(/secret/);
    expect(raw).toMatchObject({ status: 'SUCCEEDED', durationMs: 3, response: null, logs: [] });
    expect(await sut.findById('i-1')).toStrictEqual(record);
    expect(await sut.findByIds(['i-1'])).toStrictEqual([record]);
    expect((await sut.list({}, { first: 10 })).items).toStrictEqual([record]);
  });

  it('with sealing off, stores records in clear and still opens those sealed earlier', async () => {
    const store = new MemoryInvocations();
    await new SealedInvocationRepository(store, new XorCipher()).insertAll([record]);
    const off = new SealedInvocationRepository(store, new XorCipher(), false);
    expect(await off.findById('i-1')).toStrictEqual(record);
    const later = { ...record, id: 'i-2' };
    await off.insertAll([later]);
    expect(store.stored.get('i-2')).toStrictEqual(later);
  });

  it('passes records stored before sealing through, and shows a payload it cannot open as purged', async () => {
    const store = new MemoryInvocations();
    await store.insertAll([record]);
    expect(await new SealedInvocationRepository(store, new XorCipher()).findById('i-1')).toStrictEqual(record);

    await new SealedInvocationRepository(store, new XorCipher('old')).updateAll([record]);
    const opened = await new SealedInvocationRepository(store, new XorCipher('new')).findById('i-1');
    expect(opened).toMatchObject({ status: 'SUCCEEDED', response: null, logs: [], request: { body: null, headers: {} } });
  });
});
