/** One target of an alias: a version and the share of the alias's calls it gets. */
export interface AliasRoute {
  version: string;
  /** Integer percent, 0..100; the routes of an alias sum to 100. */
  weight: number;
}

/** A share of an alias's calls that also runs, unseen by the caller, on another version. */
export interface AliasShadow {
  version: string;
  /** 0 < percent <= 100. */
  percent: number;
}

/**
 * A named pointer of one function (`prod`, `staging`, `default`) to one version, or to two
 * with weights. Unique per (functionId, name). Kept when its function is deleted (history
 * reads it), like the function record itself.
 */
export interface AliasRecord {
  functionId: string;
  name: string;
  /** One or two routes, weights summing to 100, in the order they were set (sticky routing depends on it). */
  routes: AliasRoute[];
  shadow: AliasShadow | null;
  createdAt: Date;
  updatedAt: Date;
  /** Subject of whoever set it last; null for the platform itself. */
  updatedBy: string | null;
}

/** The alias `/fn/<name>` (and an unpinned `invokeFunction`) follows when the function has it. */
export const DEFAULT_ALIAS = 'default';
