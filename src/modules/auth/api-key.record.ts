import type { Role } from '@/kernel/identity/roles.js';

export interface ApiKeyRecord {
  id: string;
  /** Public part of the token (`fng_<prefix>_…`), unique; what a key is looked up by. */
  prefix: string;
  name: string;
  /** The user the key acts as (its principal's subject). */
  ownerId: string;
  roles: Role[];
  /** SHA-256 (hex) of the secret part; the secret itself is never stored. */
  secretHash: string;
  createdAt: Date;
  /** Subject of the principal that created the key (null for the bootstrap key). */
  createdBy: string | null;
  /** The API key the creator authenticated with (null: a JWT, the bootstrap, a CLI tool). Revoking that key revokes this one. */
  createdByKeyId: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  /** Updated lazily (at most once a minute per key and node), not on every request. */
  lastUsedAt: Date | null;
}

export interface ApiKeyFilter {
  ownerId?: string;
}
