import { randomBytes } from 'node:crypto';

/** The admin key each test server was started with, by base URL: helpers send it unless told otherwise. */
const adminKeys = new Map<string, string>();

export function rememberAdminKey(url: string, key: string): void {
  adminKeys.set(url, key);
}

export function forgetAdminKey(url: string): void {
  adminKeys.delete(url);
}

export function adminKeyFor(url: string): string | undefined {
  return adminKeys.get(url);
}

/** A well-formed API key token (as FNGRAPH_BOOTSTRAP_ADMIN_KEY expects). */
export function newApiKeyToken(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const prefix = Array.from(randomBytes(12), (b) => alphabet[b % alphabet.length]).join('');
  return `fng_${prefix}_${randomBytes(32).toString('base64url')}`;
}

/**
 * Credentials of one request: `undefined` = the server's admin key, `null` = none, a string
 * = that API key or JWT as a bearer token.
 */
export type As = string | null | undefined;

export function authHeaders(url: string, as?: As): Record<string, string> {
  const token = as === undefined ? adminKeyFor(url) : as;
  return token ? { authorization: `Bearer ${token}` } : {};
}
