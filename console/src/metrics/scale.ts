/**
 * A y axis from 0 that ends on a round number at or above `max` (1, 2, 2.5 or 5 times a
 * power of ten per step; whole steps for counts), with its ticks: 0.37 → 0, 0.1, 0.2, 0.3, 0.4; 7 → 0, 2, 4, 6, 8.
 */
export function niceScale(max: number, { integer = false, tickCount = 4 } = {}): { max: number; ticks: number[] } {
  if (!(max > 0)) return integer ? { max: 1, ticks: [0, 1] } : { max: 1, ticks: [0, 0.25, 0.5, 0.75, 1] };
  // Counts step by whole numbers: no "0.25 instances".
  const rough = integer ? Math.max(1, max / tickCount) : max / tickCount;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) ?? 10 * power;
  const steps = Math.ceil(max / step - 1e-9);
  // Rounded so float noise (0.30000000000000004) never reaches a label.
  const ticks = Array.from({ length: steps + 1 }, (_, index) => +(index * step).toPrecision(12));
  return { max: ticks.at(-1)!, ticks };
}
