import { Schema } from 'mongoose';

export const SCHEDULE_CLAIM_MODEL = 'ScheduleClaim';

/**
 * A claimed tick in the `schedule_claims` collection. `_id` is `<function id>/<schedule
 * id>/<tick ms>`: the always-present unique `_id` index is what lets one node win a tick.
 */
export interface MongoScheduleClaim {
  _id: string;
  functionId: string;
  scheduleId: string;
  tick: Date;
  nodeId: string;
  claimedAt: Date;
  invocationId: string | null;
  error: string | null;
}

export const ScheduleClaimSchema = new Schema<MongoScheduleClaim>(
  {
    _id: { type: String, required: true },
    functionId: { type: String, required: true },
    scheduleId: { type: String, required: true },
    tick: { type: Date, required: true },
    nodeId: { type: String, required: true },
    claimedAt: { type: Date, required: true },
    invocationId: { type: String, default: null },
    error: { type: String, default: null },
  },
  { collection: 'schedule_claims', versionKey: false, timestamps: false },
);

// A schedule's latest claim, and pruning by age.
ScheduleClaimSchema.index({ functionId: 1, scheduleId: 1, tick: -1 });
ScheduleClaimSchema.index({ tick: 1 });
