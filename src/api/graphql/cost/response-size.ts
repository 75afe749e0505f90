/**
 * Whether `value`, serialized as JSON, would take more than `limit` bytes. Walks the
 * result instead of serializing it (no second copy of a large response) and stops as soon
 * as the limit is passed. Strings count their UTF-8 bytes plus quotes; escapes are not
 * counted and punctuation is approximated, so the measure is close, not exact: large
 * results are made of strings, which are counted in full.
 */
export function exceedsJsonSize(value: unknown, limit: number): boolean {
  let size = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') size += Buffer.byteLength(item) + 2;
    else if (item === null || item === undefined || typeof item !== 'object') size += typeof item === 'number' ? String(item).length : 5;
    else if (Array.isArray(item)) {
      size += 1 + item.length;
      for (const element of item) stack.push(element);
    } else if (item instanceof Date) size += 26;
    else {
      size += 1;
      for (const [key, element] of Object.entries(item)) {
        size += Buffer.byteLength(key) + 4;
        stack.push(element);
      }
    }
    if (size > limit) return true;
  }
  return false;
}
