import { describe, expect, it } from 'vitest';
import { FirstSeenLabels, OVERFLOW_LABEL, RecentLabels } from './label-limits.js';

describe('FirstSeenLabels', () => {
  it('keeps the first distinct values and puts the rest into the overflow label', () => {
    const labels = new FirstSeenLabels(2);
    expect([labels.label('a'), labels.label('b'), labels.label('c'), labels.label('a'), labels.label('d')]).toEqual([
      'a',
      'b',
      OVERFLOW_LABEL,
      'a',
      OVERFLOW_LABEL,
    ]);
  });
});

describe('RecentLabels', () => {
  it('keeps the most recently used values per key and reports the evicted ones', () => {
    const evicted: string[] = [];
    const labels = new RecentLabels(2, (key, value) => evicted.push(`${key}@${value}`));
    labels.label('f', '1.0.0');
    labels.label('f', '1.0.1');
    labels.label('f', '1.0.0'); // used again: now the most recent
    labels.label('g', '1.0.0'); // another key has its own budget
    expect(labels.label('f', '1.0.2')).toBe('1.0.2');
    expect(evicted).toEqual(['f@1.0.1']);
  });

  it('puts every value of the overflow key into the overflow label', () => {
    const labels = new RecentLabels(5, () => undefined);
    expect(labels.label(OVERFLOW_LABEL, '1.0.0')).toBe(OVERFLOW_LABEL);
  });
});
