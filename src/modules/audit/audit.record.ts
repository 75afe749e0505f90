import type { PrincipalKind } from '@/kernel/identity/principal.js';

export const AUDIT_ACTIONS = [
  'function.register',
  'function.update',
  'function.delete',
  'function.permissions',
  /** A version with outbound network access: who granted which destinations. */
  'function.network',
  'function.releaseName',
  /** An alias set or replaced (details: before and after, as JSON). */
  'alias.set',
  'alias.delete',
  'canary.start',
  'canary.advance',
  'canary.promote',
  'canary.rollback',
  'canary.abort',
  /** A version registered with allowBreakingChanges although its contract breaks the previous one's: the reasons. */
  'function.breakingChange',
  'apiKey.create',
  'apiKey.revoke',
  'masterKey.rotate',
  /** Recorded invocations run again on another version (`replayInvocations`): the version and the totals. */
  'invocations.replay',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Small, flat facts about an action (never secrets, never code). */
export type AuditDetails = Record<string, string | number | boolean | null | string[]>;

/** One management action: who did what to which resource, when and from where. */
export interface AuditRecord {
  id: string;
  at: Date;
  /** Subject of the acting principal; null for anonymous (never for management actions today). */
  actorId: string | null;
  actorKind: PrincipalKind;
  /** The API key id or `jwt:…` the actor authenticated with. */
  credentialId: string | null;
  action: AuditAction;
  targetType: 'function' | 'apiKey' | 'masterKey';
  targetId: string | null;
  details: AuditDetails;
  ip: string | null;
  userAgent: string | null;
}

export interface AuditFilter {
  action?: AuditAction;
  actorId?: string;
  targetId?: string;
  since?: Date;
  until?: Date;
}
