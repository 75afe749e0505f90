/** Paths reported at most, per body: enough to name what changed, bounded for a report of many items. */
export const MAX_BODY_PATHS = 20;

/**
 * The paths at which two JSON values differ (`$` the root, `.key`, `[index]`), in document
 * order, at most `limit`. Key order does not matter; a key present on one side only is a
 * difference at its path; arrays are compared index by index.
 */
export function jsonDifferences(before: unknown, after: unknown, limit = MAX_BODY_PATHS): string[] {
  const paths: string[] = [];
  walk(before, after, '$', paths, limit);
  return paths;
}

function walk(before: unknown, after: unknown, path: string, paths: string[], limit: number): void {
  if (paths.length >= limit) return;
  if (Array.isArray(before) && Array.isArray(after)) {
    const length = Math.max(before.length, after.length);
    for (let index = 0; index < length && paths.length < limit; index += 1) {
      if (index >= before.length || index >= after.length) paths.push(`${path}[${index}]`);
      else walk(before[index], after[index], `${path}[${index}]`, paths, limit);
    }
    return;
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    for (const key of keys) {
      if (paths.length >= limit) return;
      const child = `${path}${/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`}`;
      if (!(key in before) || !(key in after)) paths.push(child);
      else walk(before[key], after[key], child, paths, limit);
    }
    return;
  }
  if (!Object.is(before, after) && !(typeof before === 'number' && before === after)) paths.push(path);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
