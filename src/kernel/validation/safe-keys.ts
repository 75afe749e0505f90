import { ValidationError } from '@/kernel/errors/domain-error.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Whether an object key could pollute prototypes or act as a database operator. */
export function isUnsafeKey(key: string): boolean {
  return FORBIDDEN_KEYS.has(key) || key.startsWith('$') || key.includes('\u0000');
}

/**
 * Rejects, anywhere inside a parsed JSON value, keys that could pollute prototypes
 * (`__proto__`, `constructor`, `prototype`) or be read as MongoDB operators (`$gt`).
 * Applied to every management input before it reaches a service; refuses inputs nested
 * deeper than `MAX_JSON_DEPTH` first, so that neither this walk nor later ones overflow the stack.
 */
export function assertSafeKeys(value: unknown): void {
  assertNotTooDeep(value);
  assertSafeKeysWithin(value, '');
}

/** A `ValidationError` when `value` nests deeper than `MAX_JSON_DEPTH`. */
export function assertNotTooDeep(value: unknown): void {
  if (exceedsJsonDepth(value)) {
    throw new ValidationError(`The input is nested more than ${MAX_JSON_DEPTH} levels deep`, [{ message: `at most ${MAX_JSON_DEPTH} levels of nesting` }]);
  }
}

function assertSafeKeysWithin(value: unknown, path: string): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => assertSafeKeysWithin(item, `${path}[${index}]`));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const key of Object.keys(value)) {
    const field = path ? `${path}.${key}` : key;
    if (isUnsafeKey(key)) {
      throw new ValidationError(`Key ${JSON.stringify(key)} is not allowed`, [{ field, message: 'operator and prototype keys are rejected' }]);
    }
    assertSafeKeysWithin((value as Record<string, unknown>)[key], field);
  }
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Control characters other than tab and newlines. */
export function hasControlCharacters(text: string): boolean {
  return CONTROL_CHARACTERS.test(text);
}
