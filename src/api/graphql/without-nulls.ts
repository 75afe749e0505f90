/**
 * GraphQL inputs spell "absent" as null or a missing field, and arrive as objects
 * without a prototype; services expect plain objects where absent means undefined.
 */
export function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutNulls) as T;
  if (typeof value !== 'object' || value === null || value instanceof Date) return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    // defineProperty, because assigning a `__proto__` key would replace the prototype.
    if (item !== null && item !== undefined) {
      Object.defineProperty(result, key, { value: withoutNulls(item), enumerable: true, writable: true, configurable: true });
    }
  }
  return result as T;
}
