/** Platform roles, from most to least powerful (README: role matrix). */
export const ROLES = ['admin', 'developer', 'invoker', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
