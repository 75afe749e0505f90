import { describe, expect, it } from 'vitest';
import { niceScale } from '../../console/src/metrics/scale.js';

describe('console chart scale', () => {
  it('ends the y axis on a round number at or above the largest value', () => {
    expect(niceScale(0.37)).toEqual({ max: 0.4, ticks: [0, 0.1, 0.2, 0.3, 0.4] });
    expect(niceScale(7)).toEqual({ max: 8, ticks: [0, 2, 4, 6, 8] });
    expect(niceScale(95.2)).toEqual({ max: 100, ticks: [0, 25, 50, 75, 100] });
    expect(niceScale(1)).toEqual({ max: 1, ticks: [0, 0.25, 0.5, 0.75, 1] });
  });

  it('steps counts by whole numbers, and draws an empty chart from 0 to 1', () => {
    expect(niceScale(3, { integer: true })).toEqual({ max: 3, ticks: [0, 1, 2, 3] });
    expect(niceScale(1, { integer: true })).toEqual({ max: 1, ticks: [0, 1] });
    expect(niceScale(0, { integer: true })).toEqual({ max: 1, ticks: [0, 1] });
    expect(niceScale(0).max).toBe(1);
  });
});
