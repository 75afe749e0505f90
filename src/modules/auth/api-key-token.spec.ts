import { describe, expect, it } from 'vitest';
import { generateApiKey, hashSecret, parseApiKey, secretMatches } from './api-key-token.js';

describe('API key tokens', () => {
  it('generate fng_<prefix>_<secret> tokens that parse back, with only a hash to store', () => {
    const { token, prefix, secretHash } = generateApiKey();
    expect(token).toMatch(/^fng_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    const parsed = parseApiKey(token);
    expect(parsed?.prefix).toBe(prefix);
    expect(secretHash).toBe(hashSecret(parsed!.secret));
    expect(secretHash).not.toContain(parsed!.secret);
    expect(secretMatches(parsed!.secret, secretHash)).toBe(true);
  });

  it('refuse other secrets and malformed tokens', () => {
    const { secretHash } = generateApiKey();
    expect(secretMatches(generateApiKey().token.split('_').slice(2).join('_'), secretHash)).toBe(false);
    expect(secretMatches('x', 'not-hex')).toBe(false);
    for (const token of [
      '',
      'fng_',
      'fng_ABCDEFGHIJKL_' + 'a'.repeat(43),
      `fng_abc_${'a'.repeat(43)}`,
      `xfng_abcdefghijkl_${'a'.repeat(43)}`,
      `fng_abcdefghijkl_${'a'.repeat(44)}`,
    ]) {
      expect(parseApiKey(token), token).toBeNull();
    }
  });

  it('never repeat', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => generateApiKey().token));
    expect(tokens.size).toBe(1000);
  });
});
