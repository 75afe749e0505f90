import { beforeEach, describe, expect, it, type Mocked } from 'vitest';
import { AppConfig } from '@/kernel/config/app-config.js';
import { UnauthenticatedError } from '@/kernel/errors/domain-error.js';
import { EventBus } from '@/kernel/events/event-bus.js';
import { type Actor, NO_ORIGIN } from '@/kernel/identity/principal.js';
import { newId } from '@/kernel/ids/new-id.js';
import type { PageResult } from '@/kernel/pagination/page.js';
import { AuditService } from '@/modules/audit/audit.service.js';
import { automock } from '../../../test/support/automock.js';
import type { ApiKeyRecord } from './api-key.record.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { ApiKeysService } from './api-keys.service.js';
import { CredentialRevocations } from './credential-revocations.js';

/** Keys in memory, as a store keeps them. */
class MemoryKeys extends ApiKeyRepository {
  readonly keys = new Map<string, ApiKeyRecord>();
  /** Runs right after an insert: lets a test revoke the parent "meanwhile". */
  afterInsert: (record: ApiKeyRecord) => void = () => undefined;
  async insert(record: ApiKeyRecord): Promise<void> {
    this.keys.set(record.id, { ...record });
    this.afterInsert(record);
  }
  async findById(id: string): Promise<ApiKeyRecord | null> {
    return this.keys.get(id) ?? null;
  }
  async findByPrefix(prefix: string): Promise<ApiKeyRecord | null> {
    return [...this.keys.values()].find((k) => k.prefix === prefix) ?? null;
  }
  async list(): Promise<PageResult<ApiKeyRecord>> {
    return { items: [...this.keys.values()], hasMore: false };
  }
  async listMintedBy(id: string): Promise<ApiKeyRecord[]> {
    return [...this.keys.values()].filter((k) => k.createdByKeyId === id);
  }
  async revoke(id: string, at: Date): Promise<boolean> {
    const key = this.keys.get(id);
    if (!key || key.revokedAt) return false;
    key.revokedAt = at;
    return true;
  }
  async touch(): Promise<void> {}
  async any(): Promise<boolean> {
    return this.keys.size > 0;
  }
}

const key = (id: string, createdByKeyId: string | null, ownerId = 'owner'): ApiKeyRecord => ({
  id,
  prefix: id.replace(/-/g, '').slice(-12),
  name: id,
  ownerId,
  roles: ['developer'],
  secretHash: '0'.repeat(64),
  createdAt: new Date(0),
  createdBy: ownerId,
  createdByKeyId,
  expiresAt: null,
  revokedAt: null,
  lastUsedAt: null,
});

describe(ApiKeysService.name, () => {
  let keys: MemoryKeys;
  let events: Mocked<EventBus>;
  let audit: Mocked<AuditService>;
  let revocations: CredentialRevocations;
  let sut: ApiKeysService;
  const admin: Actor = { principal: { kind: 'apiKey', subject: 'root', roles: ['admin'], credentialId: 'root-key' }, origin: NO_ORIGIN };

  beforeEach(() => {
    keys = new MemoryKeys();
    events = automock(EventBus, { methods: ['publish', 'subscribe', 'mayHaveSubscribers'] });
    events.publish.mockResolvedValue();
    audit = automock(AuditService);
    audit.record.mockResolvedValue();
    revocations = new CredentialRevocations(events);
    sut = new ApiKeysService(keys, revocations, audit, AppConfig.fromEnvironment({ NODE_ENV: 'test' }));
  });

  it('revokes descendants transitively, each announced and audited, other owners included', async () => {
    const [a, b, c, d, x] = [newId(), newId(), newId(), newId(), newId()];
    for (const k of [key(a, null), key(b, a), key(c, b, 'someone-else'), key(d, a), key(x, null)]) await keys.insert(k);

    await sut.revoke(admin, a);

    expect([a, b, c, d, x].map((id) => keys.keys.get(id)!.revokedAt !== null)).toEqual([true, true, true, true, false]);
    expect([a, b, c, d, x].map((id) => revocations.isRevoked(id))).toEqual([true, true, true, true, false]);
    const audited = audit.record.mock.calls.map(([, action, target, details]) => [action, target.targetId, details?.descendantOf ?? null]);
    expect(audited).toEqual([
      ['apiKey.revoke', a, null],
      ['apiKey.revoke', b, a],
      ['apiKey.revoke', d, a],
      ['apiKey.revoke', c, a],
    ]);
  });

  it('revoking an already revoked key still revokes descendants left alive', async () => {
    const [a, b] = [newId(), newId()];
    await keys.insert({ ...key(a, null), revokedAt: new Date(0) });
    await keys.insert(key(b, a));
    await sut.revoke(admin, a);
    expect(keys.keys.get(b)!.revokedAt).not.toBeNull();
    expect(audit.record.mock.calls.map(([, , target]) => target.targetId)).toEqual([b]);
  });

  it('a key minted while its parent was being revoked is revoked at once and refused', async () => {
    await keys.insert(key('root-key', null, 'root'));
    keys.afterInsert = () => {
      keys.keys.get('root-key')!.revokedAt = new Date();
    };

    await expect(sut.create(admin, { name: 'late', roles: ['viewer'] })).rejects.toBeInstanceOf(UnauthenticatedError);

    const late = [...keys.keys.values()].find((k) => k.name === 'late')!;
    expect(late.createdByKeyId).toBe('root-key');
    expect(late.revokedAt).not.toBeNull();
    expect(revocations.isRevoked(late.id)).toBe(true);
  });
});
