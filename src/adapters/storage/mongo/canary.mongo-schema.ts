import { Schema } from 'mongoose';

export const CANARY_MODEL = 'Canary';

/**
 * A canary in the `canaries` collection: the fields queried on, and the whole record as
 * JSON text (see `canary-document.ts`). `runningKey` is unique: one running canary per alias.
 */
export interface MongoCanary {
  _id: string;
  functionId: string;
  alias: string;
  runningKey: string;
  status: string;
  revision: number;
  document: string;
}

export const CanarySchema = new Schema<MongoCanary>(
  {
    _id: { type: String, required: true },
    functionId: { type: String, required: true },
    alias: { type: String, required: true },
    runningKey: { type: String, required: true },
    status: { type: String, required: true },
    revision: { type: Number, required: true },
    document: { type: String, required: true },
  },
  { collection: 'canaries', versionKey: false, timestamps: false },
);

CanarySchema.index({ runningKey: 1 }, { unique: true });
// An alias's latest canary; the controllers' scan for running ones.
CanarySchema.index({ functionId: 1, alias: 1, _id: -1 });
CanarySchema.index({ status: 1 });
