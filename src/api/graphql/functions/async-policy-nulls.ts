import type { ExecutionConfigInput } from './register-function.input.js';

/**
 * `withoutNulls` reads null as absent, but two async-policy fields give null a meaning
 * of its own: `maxEventAgeSeconds: null` is "no limit" and a null destination is "none"
 * (which clears one an update would otherwise inherit). Puts those nulls back.
 */
export function withAsyncPolicyNulls<T extends { executionConfig?: ExecutionConfigInput | null }>(raw: T, cleaned: T): T {
  const given = raw.executionConfig;
  const config = cleaned.executionConfig;
  if (!given || !config) return cleaned;
  if (given.maxEventAgeSeconds === null) config.maxEventAgeSeconds = null;
  for (const key of ['onSuccess', 'onFailure'] as const) {
    if (given.destinations?.[key] === null) (config.destinations ??= {})[key] = null;
  }
  return cleaned;
}
