import type { ComparisonOutcome } from '@/modules/comparisons/comparison.record.js';

/** Watches shadow comparisons go by (`fngraph_shadow_comparisons_total{outcome}`); implemented by the metrics adapter. */
export abstract class ShadowObserver {
  abstract compared(outcome: ComparisonOutcome): void;
}
