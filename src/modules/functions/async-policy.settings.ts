import type { AsyncPolicy } from '@/modules/versions/version.record.js';
import type { ExecutionConfigDocument } from './registration-document.validation.js';

/**
 * The delivery policy of a new version: each field given in `executionConfig` over `base`
 * (the defaults for a registration, the latest version's policy for an update). An
 * explicit null clears `maxEventAgeSeconds` or a destination; absence keeps `base`.
 */
export function asyncPolicyFrom(config: ExecutionConfigDocument | undefined, base: AsyncPolicy): AsyncPolicy {
  return {
    maxAttempts: config?.retry?.attempts ?? base.maxAttempts,
    retryBackoffSeconds: config?.retry?.backoffSeconds ?? base.retryBackoffSeconds,
    maxEventAgeSeconds: config?.maxEventAgeSeconds === undefined ? base.maxEventAgeSeconds : config.maxEventAgeSeconds,
    onSuccess: config?.destinations?.onSuccess === undefined ? base.onSuccess : config.destinations.onSuccess,
    onFailure: config?.destinations?.onFailure === undefined ? base.onFailure : config.destinations.onFailure,
  };
}
