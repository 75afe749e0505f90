import { describe, expect, it } from 'vitest';
import { percentile } from './shadow-report.service.js';

describe('percentile', () => {
  it('is the nearest-rank value, whatever the order given', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(values, 0.5)).toBe(5);
    expect(percentile(values, 0.99)).toBe(10);
    expect(percentile([42], 0.99)).toBe(42);
    expect(percentile([], 0.5)).toBeNull();
  });
});
