import type { InvocationStatus } from '@/modules/invocations/invocation.record.js';

/** What a comparison found: the two results alike, unlike, or no candidate result to compare (failed to run, or skipped). */
export const COMPARISON_OUTCOMES = ['IDENTICAL', 'DIFFERENT', 'FAILED', 'SKIPPED'] as const;
export type ComparisonOutcome = (typeof COMPARISON_OUTCOMES)[number];

/** Where two results differ. Durations always differ and are reported beside, never counted as a difference. */
export const DIFFERENCE_KINDS = ['STATUS', 'STATUS_CODE', 'BODY', 'HEADERS'] as const;
export type DifferenceKind = (typeof DIFFERENCE_KINDS)[number];

/** One header whose values differ (absent on one side: null). */
export interface HeaderDifference {
  name: string;
  before: string | null;
  after: string | null;
}

/** How the bodies were compared and what differs. */
export interface BodyComparison {
  /** null: not compared (a side's response was too large to keep). */
  equal: boolean | null;
  /** `json`: structurally (key order and spacing ignored); `text`: byte for byte; `binary`: by SHA-256; `none`: no body on either side. */
  format: 'json' | 'text' | 'binary' | 'none';
  /** For JSON, the paths that differ (`$.price`, `$.items[2]`), at most `MAX_BODY_PATHS`. */
  paths: string[];
  /** Why the bodies were not compared, when they were not. */
  note: string | null;
}

/** Two invocation results side by side: the original (the stable version, or the recorded call) and the candidate. */
export interface ResultComparison {
  outcome: 'IDENTICAL' | 'DIFFERENT';
  differences: DifferenceKind[];
  status: { before: InvocationStatus; after: InvocationStatus };
  /** The error type of a failed side (`FunctionError`, `Timeout`, …), compared with the status. */
  errorType: { before: string | null; after: string | null };
  /** The HTTP status the result means (`SUCCEEDED` only; null for a failure). */
  statusCode: { before: number | null; after: number | null };
  body: BodyComparison;
  headers: HeaderDifference[];
  /** Both bodies as text (base64 for binary), cut to `EXCERPT_BYTES`, for people reading the report. */
  excerpts: { before: string | null; after: string | null };
  durationMs: { before: number | null; after: number | null };
}

/**
 * A stored comparison of an alias's shadow traffic: the primary call, its shadow run and what
 * differed. It keeps no payload (paths and header names only, no values): the two invocation
 * records hold those, under their own sealing and retention.
 */
export interface ComparisonRecord {
  id: string;
  functionId: string;
  alias: string;
  primaryId: string;
  /** The SHADOW invocation; null when it was skipped before a record was made. */
  candidateId: string | null;
  primaryVersion: string;
  candidateVersion: string;
  outcome: ComparisonOutcome;
  differences: DifferenceKind[];
  detail: StoredComparisonDetail;
  primaryDurationMs: number | null;
  candidateDurationMs: number | null;
  createdAt: Date;
}

/** What a stored comparison keeps of a `ResultComparison`, plus the reason of a failed or skipped one. */
export interface StoredComparisonDetail {
  statusBefore: InvocationStatus;
  statusAfter: InvocationStatus | null;
  statusCodeBefore: number | null;
  statusCodeAfter: number | null;
  bodyPaths: string[];
  headerNames: string[];
  reason: string | null;
}

/** Counts over an alias's stored comparisons (see `ComparisonRepository.summarize`). */
export interface ComparisonSummary {
  byOutcome: Record<ComparisonOutcome, number>;
  byDifference: Record<DifferenceKind, number>;
}

export interface ComparisonFilter {
  functionId: string;
  alias: string;
  /** Only comparisons with this candidate (shadow) version. */
  candidateVersion?: string;
}
