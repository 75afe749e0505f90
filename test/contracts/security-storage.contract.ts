import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '@/kernel/errors/domain-error.js';
import { newId } from '@/kernel/ids/new-id.js';
import type { AuditRecord } from '@/modules/audit/audit.record.js';
import { AuditRepository } from '@/modules/audit/audit.repository.js';
import type { ApiKeyRecord } from '@/modules/auth/api-key.record.js';
import { ApiKeyRepository } from '@/modules/auth/api-key.repository.js';

export interface SecurityStorageUnderTest {
  apiKeys: ApiKeyRepository;
  audit: AuditRepository;
  cleanup(): Promise<void>;
}

/** The API key and audit log ports, against every adapter (see `storage.contract.ts`). */
export function securityStorageContract(adapter: string, open: () => Promise<SecurityStorageUnderTest>): void {
  describe(`security storage contract: ${adapter}`, () => {
    let storage: SecurityStorageUnderTest | undefined;
    const store = (): SecurityStorageUnderTest => {
      if (!storage) throw new Error('storage was not opened');
      return storage;
    };
    beforeAll(async () => {
      storage = await open();
    });
    afterAll(async () => {
      await storage?.cleanup();
    });

    describe('ApiKeyRepository', () => {
      it('round-trips every field and finds by id and prefix', async () => {
        const { apiKeys } = store();
        const bare = anApiKey();
        const full = anApiKey({
          roles: ['admin', 'viewer'],
          createdBy: 'root',
          createdByKeyId: newId(),
          expiresAt: new Date('2031-02-03T04:05:06.789Z'),
          lastUsedAt: new Date('2030-01-01T00:00:00.001Z'),
          name: 'CI — ünïcode',
        });
        await apiKeys.insert(bare);
        await apiKeys.insert(full);
        expect(await apiKeys.findById(bare.id)).toStrictEqual(bare);
        expect(await apiKeys.findByPrefix(full.prefix)).toStrictEqual(full);
        expect(await apiKeys.findById(newId())).toBeNull();
        expect(await apiKeys.findByPrefix('nosuchprefix')).toBeNull();
        expect(await apiKeys.any()).toBe(true);
      });

      it('rejects a duplicate prefix', async () => {
        const { apiKeys } = store();
        const first = anApiKey();
        await apiKeys.insert(first);
        await expect(apiKeys.insert(anApiKey({ prefix: first.prefix }))).rejects.toBeInstanceOf(ConflictError);
      });

      it('revokes once and records uses', async () => {
        const { apiKeys } = store();
        const key = anApiKey();
        await apiKeys.insert(key);
        const at = new Date('2030-05-05T05:05:05.005Z');
        expect(await apiKeys.revoke(key.id, at)).toBe(true);
        expect(await apiKeys.revoke(key.id, new Date())).toBe(false);
        expect(await apiKeys.revoke(newId(), new Date())).toBe(false);
        const used = new Date('2030-06-06T06:06:06.006Z');
        await apiKeys.touch(key.id, used);
        await apiKeys.touch(newId(), used);
        expect(await apiKeys.findById(key.id)).toStrictEqual({ ...key, revokedAt: at, lastUsedAt: used });
      });

      it('lists the keys minted with a key (children only, revoked ones included)', async () => {
        const { apiKeys } = store();
        const parent = anApiKey();
        const child = anApiKey({ createdByKeyId: parent.id });
        const revokedChild = anApiKey({ createdByKeyId: parent.id, revokedAt: new Date('2030-01-02T00:00:00.000Z') });
        const grandchild = anApiKey({ createdByKeyId: child.id });
        for (const key of [parent, child, revokedChild, grandchild, anApiKey()]) await apiKeys.insert(key);
        expect((await apiKeys.listMintedBy(parent.id)).map((k) => k.id).sort()).toEqual([child.id, revokedChild.id].sort());
        expect(await apiKeys.listMintedBy(child.id)).toStrictEqual([grandchild]);
        expect(await apiKeys.listMintedBy(grandchild.id)).toEqual([]);
      });

      it('lists newest first, by owner, in pages', async () => {
        const { apiKeys } = store();
        const owner = `owner-${newId()}`;
        const keys = [anApiKey({ ownerId: owner }), anApiKey({ ownerId: owner }), anApiKey({ ownerId: owner })];
        for (const key of keys) await apiKeys.insert(key);
        await apiKeys.insert(anApiKey());
        const first = await apiKeys.list({ ownerId: owner }, { first: 2 });
        expect(first.items.map((k) => k.id)).toEqual([keys[2]!.id, keys[1]!.id]);
        expect(first.hasMore).toBe(true);
        const second = await apiKeys.list({ ownerId: owner }, { first: 2, after: keys[1]!.id });
        expect(second.items.map((k) => k.id)).toEqual([keys[0]!.id]);
        expect(second.hasMore).toBe(false);
        expect((await apiKeys.list({}, { first: 100 })).items.length).toBeGreaterThanOrEqual(4);
      });
    });

    describe('AuditRepository', () => {
      it('round-trips entries and filters by action, actor, target and time, newest first', async () => {
        const { audit } = store();
        const actor = `actor-${newId()}`;
        const target = newId();
        const a = anAuditRecord({ actorId: actor, action: 'function.register', targetId: target, at: new Date('2030-01-01T00:00:00Z') });
        const b = anAuditRecord({ actorId: actor, action: 'function.delete', targetId: target, at: new Date('2030-01-02T00:00:00Z') });
        const c = anAuditRecord({ actorId: actor, action: 'apiKey.create', targetType: 'apiKey', targetId: newId(), at: new Date('2030-01-03T00:00:00Z') });
        for (const record of [a, b, c]) await audit.insert(record);

        expect((await audit.list({ actorId: actor }, { first: 10 })).items).toStrictEqual([c, b, a]);
        expect((await audit.list({ actorId: actor, action: 'function.delete' }, { first: 10 })).items).toStrictEqual([b]);
        expect((await audit.list({ targetId: target }, { first: 10 })).items.map((r) => r.id)).toEqual([b.id, a.id]);
        const window = await audit.list({ actorId: actor, since: new Date('2030-01-02T00:00:00Z'), until: new Date('2030-01-03T00:00:00Z') }, { first: 10 });
        expect(window.items.map((r) => r.id)).toEqual([b.id]);
        const page = await audit.list({ actorId: actor }, { first: 1, after: c.id });
        expect(page.items.map((r) => r.id)).toEqual([b.id]);
        expect(page.hasMore).toBe(true);
      });
    });
  });
}

let prefixCounter = 0;

export function anApiKey(overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  prefixCounter += 1;
  return {
    id: newId(),
    prefix: `${Math.random().toString(36).slice(2, 8).padEnd(6, '0')}${String(prefixCounter).padStart(6, '0')}`.slice(0, 12),
    name: 'test key',
    ownerId: 'user-1',
    roles: ['developer'],
    secretHash: 'ab'.repeat(32),
    createdAt: new Date('2030-01-01T00:00:00.123Z'),
    createdBy: null,
    createdByKeyId: null,
    expiresAt: null,
    revokedAt: null,
    lastUsedAt: null,
    ...overrides,
  };
}

export function anAuditRecord(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    id: newId(),
    at: new Date('2030-01-01T00:00:00.000Z'),
    actorId: 'user-1',
    actorKind: 'apiKey',
    credentialId: newId(),
    action: 'function.register',
    targetType: 'function',
    targetId: newId(),
    details: { name: 'f', version: '1.0.0', tags: ['a', 'b'], public: false, count: 3, note: null },
    ip: '127.0.0.1',
    userAgent: 'vitest',
    ...overrides,
  };
}
