import type { Language } from '@/modules/runtimes/runtime-catalog.js';

/**
 * A cron trigger of a function: each tick runs it once, across all nodes, as an ordinary
 * async invocation with trigger SCHEDULE and `payload` as the event body.
 */
export interface FunctionScheduleRecord {
  /** Unique within the function; ticks are claimed per (function, schedule id). */
  id: string;
  /** Five fields, or six with seconds first (croner syntax). */
  cron: string;
  /** IANA time zone the expression is read in. */
  timezone: string;
  /** Any JSON value; null for an empty body. */
  payload: unknown;
  enabled: boolean;
}

export interface FunctionPermissions {
  public: boolean;
  allowedUsers: string[];
  executionRoles: string[];
}

/**
 * The function aggregate as the domain sees it. The code, dependencies and execution
 * settings live on its versions; the record points at the latest one.
 */
export interface FunctionRecord {
  id: string;
  name: string;
  description: string;
  language: Language;
  /** e.g. `nodejs`, `nodejs20`, `python3.11`, validated against the language. */
  runtime: string;
  /** Principal that registered the function (null until authentication exists). */
  ownerId: string | null;
  author: string | null;
  tags: string[];
  permissions: FunctionPermissions;
  schedules: FunctionScheduleRecord[];
  latestVersion: string;
  latestVersionId: string;
  /** Number of versions; also the `sequence` of the latest version. */
  versionCount: number;
  createdAt: Date;
  updatedAt: Date;
  /** Set by `deleteFunction`: the function stops answering but its history stays. */
  deletedAt: Date | null;
}

export interface FunctionFilter {
  namePrefix?: string;
  tag?: string;
  language?: Language;
  /**
   * Only functions this user may see: owned by `subject`, listing it in `allowedUsers`, or
   * listing one of `roles` in `executionRoles` (see `FunctionAccessPolicy`). Absent for admins.
   */
  visibleTo?: { subject: string; roles: readonly string[] };
  /** Only public functions (`permissions.public`); together with `visibleTo`, either one suffices. */
  public?: boolean;
}

/** What a deleted function leaves of its name: whom it stays reserved for, and the versions it served. */
export interface NameTombstone {
  ownerId: string | null;
  /** The greatest version it had: a new function of that name starts after it. */
  latestVersion: string;
  /** Set when an admin released the name (`releaseFunctionName`): it no longer reserves it. */
  releasedAt: Date | null;
}
