import { Injectable } from '@nestjs/common';
import { BuildObserver } from '@/modules/versions/build-observer.js';
import { PlatformMetrics } from './platform-metrics.js';

/** Finished dependency builds as `fngraph_builds_total` and `fngraph_build_duration_seconds`. */
@Injectable()
export class BuildMetrics extends BuildObserver {
  constructor(private readonly metrics: PlatformMetrics) {
    super();
  }

  finished(status: 'READY' | 'FAILED', durationMs: number): void {
    this.metrics.recordBuild(durationMs, status);
  }
}
