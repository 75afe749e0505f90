import type { EgressConfig } from '@/kernel/config/app-config.js';
import { ValidationError } from '@/kernel/errors/domain-error.js';
import type { NetworkConfig } from '@/modules/egress/network-config.js';
import type { ExecutionConfigDocument } from './registration-document.validation.js';

/**
 * A new version's network access: the document's `executionConfig.network` when it has
 * one (the whole object: `allow` is replaced, not merged), else `base`. Refused when the
 * operator turned network access off (`FNGRAPH_EGRESS_ENABLED=false`).
 */
export function networkFrom(config: ExecutionConfigDocument | undefined, base: NetworkConfig, egress: EgressConfig): NetworkConfig {
  const given = config?.network;
  const network = given ? { enabled: given.enabled, allow: [...new Set((given.allow ?? []).map((entry) => entry.trim()))] } : base;
  if (network.enabled && !egress.enabled) {
    const message = 'network access is turned off on this platform (FNGRAPH_EGRESS_ENABLED=false)';
    throw new ValidationError(`Invalid function document: executionConfig.network.enabled: ${message}`, [
      { field: 'executionConfig.network.enabled', message },
    ]);
  }
  return { enabled: network.enabled, allow: [...network.allow] };
}
