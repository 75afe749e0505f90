import type { Role } from './roles.js';

/** `schedule`: a cron trigger acting for the function's owner (see SchedulerService). */
export type PrincipalKind = 'apiKey' | 'jwt' | 'anonymous' | 'schedule';

/**
 * Who is calling, resolved once per HTTP request or graphql-ws connection. `subject` is
 * the user id that ownership (`FunctionRecord.ownerId`) and `allowedUsers` refer to; API
 * keys carry their owner's id, JWTs their `sub`, so both name the same users.
 */
export interface Principal {
  kind: PrincipalKind;
  /** Null only for anonymous callers. */
  subject: string | null;
  roles: readonly Role[];
  /** The API key id, or `jwt:<jti or sub>`: what revocation and rate limits key on. */
  credentialId?: string;
  /** When the credential stops being valid (checked again on every subscription event). */
  expiresAt?: Date;
}

/** Where a request came from, for the audit log and anonymous rate limits. */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

/** A principal with the origin of its request: what management actions are recorded with. */
export interface Actor {
  principal: Principal;
  origin: RequestOrigin;
}

export const ANONYMOUS: Principal = Object.freeze({ kind: 'anonymous', subject: null, roles: Object.freeze([]) as readonly Role[] });

export const NO_ORIGIN: RequestOrigin = Object.freeze({ ip: null, userAgent: null });

export function hasRole(principal: Principal, ...roles: Role[]): boolean {
  return principal.roles.some((role) => roles.includes(role));
}

export function isAdmin(principal: Principal): boolean {
  return principal.roles.includes('admin');
}

export function isAuthenticated(principal: Principal): principal is Principal & { subject: string } {
  return principal.kind !== 'anonymous' && principal.subject !== null;
}

/** The system itself (CLI tools): recorded in the audit log as such. */
export function systemActor(name: string): Actor {
  return { principal: { kind: 'apiKey', subject: `system:${name}`, roles: ['admin'] }, origin: NO_ORIGIN };
}
