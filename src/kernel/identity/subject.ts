/**
 * A user id as principals carry it (API key owners, JWT `sub`): visible ASCII, no spaces,
 * at most 200 characters. Ids under `system:` are reserved for the platform's own tools.
 */
export const SUBJECT_PATTERN = /^[\x21-\x7e]{1,200}$/;
export const SUBJECT_RULE = '1 to 200 visible ASCII characters without spaces';

export function isValidSubject(value: unknown): value is string {
  return typeof value === 'string' && SUBJECT_PATTERN.test(value) && !value.startsWith('system:');
}
