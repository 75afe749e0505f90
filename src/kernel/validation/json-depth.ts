/**
 * Deepest nesting of arrays and objects accepted in a JSON input. Far beyond any real
 * document, far below what the recursive code downstream (validation, serialisation,
 * database drivers) survives: 100 000 levels of `[` overflowed their stacks (a 500).
 */
export const MAX_JSON_DEPTH = 256;

/** Whether `value` nests arrays/objects deeper than `maxDepth`; iterative, so any depth is safe to ask about. */
export function exceedsJsonDepth(value: unknown, maxDepth = MAX_JSON_DEPTH): boolean {
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= maxDepth) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
    }
  }
  return false;
}
