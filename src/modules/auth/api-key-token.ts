import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `fng_<prefix>_<secret>`: the prefix (12 lower-case letters/digits,
 * 60 bits) is stored in clear to find the key; the secret (32 random bytes, base64url)
 * is stored only as its SHA-256. With 256 bits of entropy a plain hash is enough: a
 * slow password hash would protect nothing more and cost time on every request, and a
 * pepper derived from the master key would break every key on key rotation.
 */
const TOKEN = /^fng_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export interface ApiKeyToken {
  prefix: string;
  secret: string;
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith('fng_');
}

export function parseApiKey(value: string): ApiKeyToken | null {
  const match = TOKEN.exec(value);
  return match ? { prefix: match[1]!, secret: match[2]! } : null;
}

export function generateApiKey(): { token: string; prefix: string; secretHash: string } {
  const bytes = randomBytes(12);
  const prefix = Array.from(bytes, (byte) => PREFIX_ALPHABET[byte % PREFIX_ALPHABET.length]).join('');
  const secret = randomBytes(32).toString('base64url');
  return { token: `fng_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
