import type { FngraphClient } from '@fngraph/sdk';
import { KeysPageApiKeysDocument, type KeysPageApiKeyFragment, type KeysPageApiKeysQuery } from '@/api/graphql.generated';

export type ApiKey = KeysPageApiKeyFragment;

/** The public part of an API key (`fng_<prefix>_<secret>`, see src/modules/auth/api-key-token.ts); null for a JWT. */
export function apiKeyPrefix(credential: string): string | null {
  return /^fng_([a-z0-9]{12})_/.exec(credential)?.[1] ?? null;
}

/** How the console shows a key: its public part (the secret is never known after creation). */
export function keyLabel(key: Pick<ApiKey, 'prefix'>): string {
  return `fng_${key.prefix}_…`;
}

export function keyState(key: ApiKey, now = Date.now()): 'active' | 'revoked' | 'expired' {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return 'expired';
  return 'active';
}

/**
 * The live keys that revoking `root` takes with it: every key minted with it, and those
 * minted with them (the server follows `createdByKeyId` the same way), among `keys`.
 */
export function descendantsOf(root: ApiKey, keys: ApiKey[]): ApiKey[] {
  const children = new Map<string, ApiKey[]>();
  for (const key of keys) {
    if (key.createdByKeyId === null) continue;
    children.set(key.createdByKeyId, [...(children.get(key.createdByKeyId) ?? []), key]);
  }
  const found: ApiKey[] = [];
  const seen = new Set([root.id]);
  const pending = [root.id];
  while (pending.length > 0) {
    for (const child of children.get(pending.shift()!) ?? []) {
      if (seen.has(child.id)) continue;
      seen.add(child.id);
      pending.push(child.id);
      if (keyState(child) === 'active') found.push(child);
    }
  }
  return found;
}

/** Bounds the walk through the caller's keys (100 a page) before a revocation. */
const MAX_PAGES = 20;

/**
 * Every key the caller may list (all of them for an admin), for the revocation's
 * confirmation; `complete` is false when there were more than it reads.
 */
export async function listAllKeys(client: FngraphClient): Promise<{ keys: ApiKey[]; complete: boolean }> {
  const keys: ApiKey[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const { apiKeys }: KeysPageApiKeysQuery = await client.request(KeysPageApiKeysDocument, { first: 100, after });
    keys.push(...apiKeys.nodes);
    if (!apiKeys.pageInfo.hasNextPage) return { keys, complete: true };
    after = apiKeys.pageInfo.endCursor;
  }
  return { keys, complete: false };
}
