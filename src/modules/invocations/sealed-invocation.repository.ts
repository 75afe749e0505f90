import { Logger } from '@nestjs/common';
import type { EnvelopeCipher } from '@/kernel/crypto/envelope-cipher.js';
import type { PageRequest, PageResult } from '@/kernel/pagination/page.js';
import { PURGED_REQUEST } from './invocation-request.js';
import type { InvocationFilter, InvocationRecord, InvocationStatus, InvocationWindowStats, LogLineRecord, VersionWindow } from './invocation.record.js';
import { InvocationRepository } from './invocation.repository.js';

/** A `SealedBox` as JSON: key id, wrapped data key and ciphertext (base64). */
interface SerializedBox {
  k: string;
  w: string;
  c: string;
}

/** The sealed box of a stored record; undefined when it is stored in clear or purged. */
function sealedBoxOf(record: InvocationRecord): SerializedBox | undefined {
  const body = record.request.body;
  if (body === null || !body.startsWith(SEALED_MARK)) return undefined;
  try {
    return JSON.parse(body.slice(SEALED_MARK.length)) as SerializedBox;
  } catch {
    return undefined;
  }
}

/** Marks a request body that holds the sealed payload (never a real body: real ones are the caller's bytes as text). */
const SEALED_MARK = 'fngraph-sealed:v1:';

interface Payload {
  request: InvocationRecord['request'];
  response: unknown;
  logs: Array<Omit<LogLineRecord, 'timestamp'> & { timestamp: string }>;
}

/**
 * `FNGRAPH_SEAL_INVOCATION_DATA=true`: wraps the store's repository so that a record's request
 * (headers, query, body), response and logs are stored sealed (AES-256-GCM under their own data
 * key, wrapped by the master key, like code at rest) and opened on read. Access is decided by
 * the services before any read, as without sealing. The sealed payload travels in the request's
 * body, so both stores keep their schema; every other field (status, timings, ids) stays clear
 * for queries. A payload that cannot be opened (its master key was dropped) reads as purged.
 * It wraps the store with sealing off too, so that turning sealing off keeps earlier records readable.
 */
export class SealedInvocationRepository extends InvocationRepository {
  private readonly logger = new Logger(SealedInvocationRepository.name);

  /** `sealWrites` false: records are stored in clear, but those sealed earlier (sealing was on) still open on read. */
  constructor(
    private readonly inner: InvocationRepository,
    private readonly cipher: EnvelopeCipher,
    private readonly sealWrites = true,
  ) {
    super();
  }

  insertAll(records: readonly InvocationRecord[]): Promise<void> {
    return this.inner.insertAll(records.map((r) => sealRecord(this.cipher, this.sealWrites, r)));
  }

  updateAll(records: readonly InvocationRecord[]): Promise<void> {
    return this.inner.updateAll(records.map((r) => sealRecord(this.cipher, this.sealWrites, r)));
  }

  transition(record: InvocationRecord, from: readonly InvocationStatus[]): Promise<boolean> {
    return this.inner.transition(sealRecord(this.cipher, this.sealWrites, record), from);
  }

  async findById(id: string): Promise<InvocationRecord | null> {
    const record = await this.inner.findById(id);
    return record && openRecord(this.cipher, this.logger, record);
  }

  async findByIds(ids: readonly string[]): Promise<InvocationRecord[]> {
    return (await this.inner.findByIds(ids)).map((r) => openRecord(this.cipher, this.logger, r));
  }

  async list(filter: InvocationFilter, page: PageRequest): Promise<PageResult<InvocationRecord>> {
    const result = await this.inner.list(filter, page);
    return { ...result, items: result.items.map((r) => openRecord(this.cipher, this.logger, r)) };
  }

  async latestByFunctionIds(functionIds: readonly string[]): Promise<InvocationRecord[]> {
    return (await this.inner.latestByFunctionIds(functionIds)).map((r) => openRecord(this.cipher, this.logger, r));
  }

  /** Counts and durations only: nothing sealed is read. */
  versionWindowStats(window: VersionWindow): Promise<InvocationWindowStats> {
    return this.inner.versionWindowStats(window);
  }

  purgePayloads(finishedBefore: Date, limit: number): Promise<number> {
    return this.inner.purgePayloads(finishedBefore, limit);
  }

  probeWrite(): Promise<void> {
    return this.inner.probeWrite();
  }

  async findOrphaned(liveNodeIds: readonly string[], startedBefore: Date, limit: number): Promise<InvocationRecord[]> {
    return (await this.inner.findOrphaned(liveNodeIds, startedBefore, limit)).map((r) => openRecord(this.cipher, this.logger, r));
  }

  /**
   * Key rotation: rewraps the data key of every sealed payload not under the current master key
   * (the ciphertext stays). A record changed meanwhile is skipped: its next write seals it anew.
   */
  async rewrapAll(): Promise<{ rewrapped: number; failed: string[] }> {
    const current = this.cipher.currentKeyId;
    const report = { rewrapped: 0, failed: [] as string[] };
    let after: string | undefined;
    for (;;) {
      const page = await this.inner.list({}, { first: 200, ...(after ? { after } : {}) });
      for (const record of page.items) {
        const box = sealedBoxOf(record);
        if (!box || box.k === current) continue;
        try {
          const rewrapped = this.cipher.rewrap({ keyId: box.k, wrappedKey: Buffer.from(box.w, 'base64'), ciphertext: Buffer.from(box.c, 'base64') });
          const body = SEALED_MARK + JSON.stringify({ k: rewrapped.keyId, w: rewrapped.wrappedKey.toString('base64'), c: box.c });
          if (await this.inner.transition({ ...record, request: { ...record.request, body } }, [record.status])) report.rewrapped++;
        } catch (error) {
          this.logger.warn(`Invocation ${record.id} (master key ${box.k}): ${(error as Error).message}`);
          report.failed.push(record.id);
        }
      }
      if (!page.hasMore || page.items.length === 0) return report;
      after = page.items[page.items.length - 1]!.id;
    }
  }
}

/** A record as stored: its request, response and logs sealed in the request body (when `sealWrites`). */
function sealRecord(cipher: EnvelopeCipher, sealWrites: boolean, record: InvocationRecord): InvocationRecord {
  if (!sealWrites) return record;
  const payload: Payload = {
    request: record.request,
    response: record.response,
    logs: record.logs.map((line) => ({ ...line, timestamp: line.timestamp.toISOString() })),
  };
  const box = cipher.seal(Buffer.from(JSON.stringify(payload)));
  const sealed = JSON.stringify({ k: box.keyId, w: box.wrappedKey.toString('base64'), c: box.ciphertext.toString('base64') });
  return { ...record, request: { ...PURGED_REQUEST, body: SEALED_MARK + sealed }, response: null, logs: [] };
}

/** A stored record as read: its sealed payload opened, or shown as purged when it cannot be. */
function openRecord(cipher: EnvelopeCipher, logger: Logger, record: InvocationRecord): InvocationRecord {
  const body = record.request.body;
  if (body === null || !body.startsWith(SEALED_MARK)) return record; // stored in clear (sealing off), or purged
  try {
    const box = JSON.parse(body.slice(SEALED_MARK.length)) as SerializedBox;
    const plaintext = cipher.open({ keyId: box.k, wrappedKey: Buffer.from(box.w, 'base64'), ciphertext: Buffer.from(box.c, 'base64') });
    const payload = JSON.parse(plaintext.toString('utf8')) as Payload;
    return { ...record, request: payload.request, response: payload.response, logs: payload.logs.map((l) => ({ ...l, timestamp: new Date(l.timestamp) })) };
  } catch (error) {
    logger.warn(`The sealed payload of invocation ${record.id} cannot be opened (${(error as Error).message}): shown as purged`);
    return { ...record, request: PURGED_REQUEST, response: null, logs: [] };
  }
}
