/** A version's outbound network (`executionConfig.network`): off unless enabled, then only what `allow` names. */
export interface NetworkConfig {
  enabled: boolean;
  /** Allow-list entries as registered (see `parseAllowEntry`). */
  allow: string[];
}

export const NETWORK_OFF: NetworkConfig = Object.freeze({ enabled: false, allow: [] as string[] }) as NetworkConfig;

/**
 * A sandbox with network access cannot be started here (the operator turned it off, no
 * bubblewrap, a remote Docker engine): the invocation fails with this message.
 */
export class EgressUnavailableError extends Error {
  override readonly name = 'NetworkUnavailable';
}

/** Entries in one allow-list, at most. */
export const MAX_ALLOW_ENTRIES = 100;
