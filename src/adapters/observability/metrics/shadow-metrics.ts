import { Injectable } from '@nestjs/common';
import type { ComparisonOutcome } from '@/modules/comparisons/comparison.record.js';
import { ShadowObserver } from '@/modules/shadow/shadow-observer.js';
import { PlatformMetrics } from './platform-metrics.js';

/** Shadow comparisons as `fngraph_shadow_comparisons_total{outcome}`. */
@Injectable()
export class ShadowMetrics extends ShadowObserver {
  constructor(private readonly metrics: PlatformMetrics) {
    super();
  }

  compared(outcome: ComparisonOutcome): void {
    this.metrics.shadowComparisons.inc({ outcome });
  }
}
