import type { ComparisonFilter, ComparisonRecord, ComparisonSummary } from './comparison.record.js';

/** A compared pair's durations (both sides ran). */
export interface DurationPair {
  primaryMs: number;
  candidateMs: number;
}

/** Storage port for the comparisons of shadow traffic: durable, so a report survives restarts and is the same on every node. */
export abstract class ComparisonRepository {
  abstract insert(record: ComparisonRecord): Promise<void>;
  /** Newest first, at most `first`. */
  abstract list(filter: ComparisonFilter, first: number): Promise<ComparisonRecord[]>;
  /** Counts by outcome and by kind of difference (a comparison may count under several kinds). */
  abstract summarize(filter: ComparisonFilter): Promise<ComparisonSummary>;
  /** The durations of the latest `limit` comparisons where both sides ran, newest first. */
  abstract latestDurations(filter: ComparisonFilter, limit: number): Promise<DurationPair[]>;
}
