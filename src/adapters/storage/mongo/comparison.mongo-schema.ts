import { Schema } from 'mongoose';
import { COMPARISON_OUTCOMES } from '@/modules/comparisons/comparison.record.js';

export const COMPARISON_MODEL = 'Comparison';

/**
 * A comparison of shadow traffic in the `comparisons` collection; `_id` is the record id
 * (UUIDv7: sorting by `_id` is sorting by age). `detail` is JSON text (it names user
 * header names and JSON paths, whose keys FerretDB may refuse in documents).
 */
export interface MongoComparison {
  _id: string;
  functionId: string;
  alias: string;
  primaryId: string;
  candidateId: string | null;
  primaryVersion: string;
  candidateVersion: string;
  outcome: string;
  differences: string[];
  detail: string;
  primaryDurationMs: number | null;
  candidateDurationMs: number | null;
  createdAt: Date;
}

export const ComparisonSchema = new Schema<MongoComparison>(
  {
    _id: { type: String, required: true },
    functionId: { type: String, required: true },
    alias: { type: String, required: true },
    primaryId: { type: String, required: true },
    candidateId: { type: String, default: null },
    primaryVersion: { type: String, required: true },
    candidateVersion: { type: String, required: true },
    outcome: { type: String, required: true, enum: COMPARISON_OUTCOMES },
    differences: { type: [String], default: [] },
    detail: { type: String, required: true },
    primaryDurationMs: { type: Number, default: null },
    candidateDurationMs: { type: Number, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'comparisons', versionKey: false, minimize: false, timestamps: false },
);

// An alias's comparisons, newest first (optionally of one candidate version).
ComparisonSchema.index({ functionId: 1, alias: 1, _id: -1 });
ComparisonSchema.index({ functionId: 1, alias: 1, candidateVersion: 1, _id: -1 });
