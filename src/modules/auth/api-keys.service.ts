import { Injectable, Logger } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '@/kernel/errors/domain-error.js';
import { newId } from '@/kernel/ids/new-id.js';
import type { PageRequest, PageResult } from '@/kernel/pagination/page.js';
import { assertSafeKeys } from '@/kernel/validation/safe-keys.js';
import { parseOrThrow } from '@/kernel/validation/zod-errors.js';
import { AppConfig } from '@/kernel/config/app-config.js';
import { AuditService } from '@/modules/audit/audit.service.js';
import { generateApiKey, hashSecret, parseApiKey, secretMatches } from './api-key-token.js';
import type { ApiKeyRecord } from './api-key.record.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { CredentialRevocations } from './credential-revocations.js';
import { apiKeyIdSchema, createApiKeySchema } from './api-key-input.validation.js';
import { type Actor, isAdmin, type Principal } from '@/kernel/identity/principal.js';
import type { Role } from '@/kernel/identity/roles.js';

/** How often (at most) a key's `lastUsedAt` is written, per key and node. */
const TOUCH_INTERVAL_MS = 60_000;
const MAX_CACHED_KEYS = 10_000;

export interface CreatedApiKey {
  record: ApiKeyRecord;
  /** The whole token; shown once, never stored. */
  token: string;
}

/**
 * API keys: creation (the secret shown once), revocation, listing, and turning a
 * presented token into a principal. Lookups are cached for a few seconds; revocation
 * drops the entry on every node at once (event bus), the TTL bounds it otherwise.
 */
@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);
  /** Absent when caching is off (`FNGRAPH_API_KEY_CACHE_SECONDS=0`). */
  private readonly cache: LRUCache<string, ApiKeyRecord> | null;
  private readonly touched = new LRUCache<string, true>({ max: MAX_CACHED_KEYS, ttl: TOUCH_INTERVAL_MS });

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly revocations: CredentialRevocations,
    private readonly audit: AuditService,
    config: AppConfig,
  ) {
    const ttl = config.auth.apiKeyCacheSeconds * 1000;
    this.cache = ttl > 0 ? new LRUCache({ max: MAX_CACHED_KEYS, ttl }) : null;
    this.revocations.onRevoked((credentialId) => {
      const cache = this.cache;
      if (!cache) return;
      const revoked = [...cache.entries()].filter(([, record]) => record.id === credentialId).map(([prefix]) => prefix);
      for (const prefix of revoked) cache.delete(prefix);
    });
  }

  /** The principal of a presented token, or null when it is not a valid, live key. */
  async authenticate(token: string): Promise<Principal | null> {
    const parsed = parseApiKey(token);
    if (!parsed) return null;
    const record = await this.lookup(parsed.prefix);
    // The hash comparison runs for unknown prefixes too, so timing does not tell them apart.
    const matches = secretMatches(parsed.secret, record?.secretHash ?? '0'.repeat(64));
    if (!record || !matches) return null;
    const now = Date.now();
    if (record.revokedAt || this.revocations.isRevoked(record.id)) return null;
    if (record.expiresAt && record.expiresAt.getTime() <= now) return null;
    this.touchLazily(record.id, now);
    return {
      kind: 'apiKey',
      subject: record.ownerId,
      roles: record.roles,
      credentialId: record.id,
      ...(record.expiresAt ? { expiresAt: record.expiresAt } : {}),
    };
  }

  async create(actor: Actor, input: unknown): Promise<CreatedApiKey> {
    assertSafeKeys(input);
    const command = parseOrThrow(createApiKeySchema, input, 'API key');
    const principal = actor.principal;
    const ownerId = command.ownerId ?? principal.subject;
    if (!ownerId) throw new ForbiddenError('Anonymous callers cannot create API keys');
    if (!isAdmin(principal)) {
      if (ownerId !== principal.subject) throw new ForbiddenError('Only admins may create keys for other users');
      const extra = command.roles.filter((role) => !principal.roles.includes(role));
      if (extra.length > 0) throw new ForbiddenError(`You cannot grant roles you do not hold: ${extra.join(', ')}`);
      if (principal.expiresAt && (!command.expiresAt || command.expiresAt > principal.expiresAt)) {
        // A key must not outlive the credential that made it (no escaping expiry by minting keys).
        throw new ForbiddenError(`The key must expire no later than your own credential (${principal.expiresAt.toISOString()})`);
      }
    }
    // The key this one descends from: revoking it revokes this one (whoever owns either).
    const createdByKeyId = principal.kind === 'apiKey' ? (principal.credentialId ?? null) : null;
    const created = await this.insertNew({
      name: command.name,
      ownerId,
      roles: command.roles,
      expiresAt: command.expiresAt ?? null,
      createdBy: principal.subject,
      createdByKeyId,
    });
    await this.audit.record(
      actor,
      'apiKey.create',
      { targetType: 'apiKey', targetId: created.record.id },
      {
        name: created.record.name,
        ownerId,
        roles: [...created.record.roles],
        prefix: created.record.prefix,
        expiresAt: created.record.expiresAt?.toISOString() ?? null,
        createdByKeyId,
      },
    );
    if (createdByKeyId !== null) await this.refuseIfParentRevokedMeanwhile(actor, created.record, createdByKeyId);
    return created;
  }

  /** Stores a new key (no permission checks: for the bootstrap and the services above). */
  async insertNew(fields: {
    name: string;
    ownerId: string;
    roles: Role[];
    expiresAt: Date | null;
    createdBy: string | null;
    createdByKeyId?: string | null;
    token?: string;
  }): Promise<CreatedApiKey> {
    const generated = fields.token ? fromToken(fields.token) : generateApiKey();
    const record: ApiKeyRecord = {
      id: newId(),
      prefix: generated.prefix,
      name: fields.name,
      ownerId: fields.ownerId,
      roles: fields.roles,
      secretHash: generated.secretHash,
      createdAt: new Date(),
      createdBy: fields.createdBy,
      createdByKeyId: fields.createdByKeyId ?? null,
      expiresAt: fields.expiresAt,
      revokedAt: null,
      lastUsedAt: null,
    };
    await this.keys.insert(record);
    this.cache?.delete(record.prefix);
    return { record, token: generated.token };
  }

  /**
   * Revokes the key and, transitively, every key minted with it (audited one by one, announced
   * to every node). Revoking an already revoked key still revokes descendants left alive.
   */
  async revoke(actor: Actor, id: string): Promise<ApiKeyRecord> {
    parseOrThrow(apiKeyIdSchema, id, 'API key id');
    const record = await this.getManageable(actor.principal, id);
    const at = new Date();
    const revokedNow = await this.revokeOne(actor, record, at, null);
    await this.revokeDescendants(actor, record.id, at);
    return revokedNow ? { ...record, revokedAt: at } : record;
  }

  private async revokeDescendants(actor: Actor, rootId: string, at: Date): Promise<void> {
    const seen = new Set([rootId]);
    const pending = [rootId];
    while (pending.length > 0) {
      const parentId = pending.shift()!;
      for (const child of await this.keys.listMintedBy(parentId)) {
        if (seen.has(child.id)) continue;
        seen.add(child.id);
        pending.push(child.id);
        await this.revokeOne(actor, child, at, rootId);
      }
    }
  }

  /** Whether it revoked the key now (false: it already was). */
  private async revokeOne(actor: Actor, record: ApiKeyRecord, at: Date, becauseOf: string | null): Promise<boolean> {
    if (record.revokedAt) return false;
    const revoked = await this.keys.revoke(record.id, at);
    this.revocations.announce(record.id);
    if (revoked) {
      await this.audit.record(
        actor,
        'apiKey.revoke',
        { targetType: 'apiKey', targetId: record.id },
        { name: record.name, ownerId: record.ownerId, prefix: record.prefix, ...(becauseOf !== null ? { descendantOf: becauseOf } : {}) },
      );
    }
    return revoked;
  }

  /**
   * A key minted while its parent was being revoked could miss the cascade (the parent's
   * children were listed before it was stored): checking after storing closes that gap.
   */
  private async refuseIfParentRevokedMeanwhile(actor: Actor, record: ApiKeyRecord, parentId: string): Promise<void> {
    const parent = await this.keys.findById(parentId);
    if (parent && !parent.revokedAt) return;
    await this.revokeOne(actor, record, new Date(), parentId);
    throw new UnauthenticatedError('Invalid, expired or revoked API key');
  }

  /** Admins list every key (or one owner's); others only their own. */
  list(principal: Principal, ownerId: string | undefined, page: PageRequest): Promise<PageResult<ApiKeyRecord>> {
    if (isAdmin(principal)) return this.keys.list(ownerId === undefined ? {} : { ownerId }, page);
    if (!principal.subject) throw new ForbiddenError('Anonymous callers have no API keys');
    return this.keys.list({ ownerId: principal.subject }, page);
  }

  findByPrefix(prefix: string): Promise<ApiKeyRecord | null> {
    return this.keys.findByPrefix(prefix);
  }

  any(): Promise<boolean> {
    return this.keys.any();
  }

  private async getManageable(principal: Principal, id: string): Promise<ApiKeyRecord> {
    const record = await this.keys.findById(id);
    // Another user's key answers like a missing one.
    if (!record || (!isAdmin(principal) && record.ownerId !== principal.subject)) throw new NotFoundError('API key', id);
    return record;
  }

  private async lookup(prefix: string): Promise<ApiKeyRecord | null> {
    const cached = this.cache?.get(prefix);
    if (cached) return cached;
    const record = await this.keys.findByPrefix(prefix);
    // Unknown prefixes are not cached: a flood of random tokens must not fill the cache.
    if (record) this.cache?.set(prefix, record);
    return record;
  }

  /** Records a key's use at most once per `TOUCH_INTERVAL_MS` per key and node. */
  private touchLazily(id: string, now: number): void {
    if (this.touched.has(id)) return;
    this.touched.set(id, true);
    this.keys.touch(id, new Date(now)).catch((error: unknown) => this.logger.warn(`Could not record the use of key ${id}: ${(error as Error).message}`));
  }
}

function fromToken(token: string): { token: string; prefix: string; secretHash: string } {
  const parsed = parseApiKey(token);
  if (!parsed) throw new Error('Not an API key token');
  return { token, prefix: parsed.prefix, secretHash: hashSecret(parsed.secret) };
}
