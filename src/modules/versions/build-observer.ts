/**
 * Watches dependency builds end (metrics). Implemented by the telemetry adapter; the
 * build service calls it once per finished build and never waits on it.
 */
export abstract class BuildObserver {
  abstract finished(status: 'READY' | 'FAILED', durationMs: number): void;
}
