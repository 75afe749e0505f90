import { Schema } from 'mongoose';
import { LANGUAGES } from '@/modules/runtimes/runtime-catalog.js';

export const FUNCTION_MODEL = 'Function';

/** A function as stored in the `functions` collection. `_id` is the record id (UUIDv7). */
export interface MongoFunction {
  _id: string;
  name: string;
  /** The name while active, `deleted:<id>` once deleted: a plain unique index then keeps
   *  active names unique (partial indexes are not available on FerretDB). */
  nameKey: string;
  description: string;
  language: string;
  runtime: string;
  ownerId: string | null;
  author: string | null;
  tags: string[];
  permissions: { public: boolean; allowedUsers: string[]; executionRoles: string[] };
  schedules: MongoFunctionSchedule[];
  /** Some schedule is enabled: what the schedulers' scan filters on (no array queries needed). */
  scheduled: boolean;
  latestVersion: string;
  latestVersionId: string;
  versionCount: number;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
  /** Set when an admin released a deleted function's name (it is reserved for its owner until then). */
  nameReleasedAt?: Date | null;
}

export interface MongoFunctionSchedule {
  id: string;
  cron: string;
  timezone: string;
  payload: unknown;
  enabled: boolean;
}

const ScheduleSchema = new Schema<MongoFunctionSchedule>(
  {
    id: { type: String, required: true },
    cron: { type: String, required: true },
    timezone: { type: String, required: true },
    payload: { type: Schema.Types.Mixed, default: null },
    enabled: { type: Boolean, required: true },
  },
  { _id: false, minimize: false },
);

const PermissionsSchema = new Schema<MongoFunction['permissions']>(
  {
    public: { type: Boolean, required: true },
    allowedUsers: { type: [String], default: [] },
    executionRoles: { type: [String], default: [] },
  },
  { _id: false },
);

export const FunctionSchema = new Schema<MongoFunction>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    nameKey: { type: String, required: true },
    // Not `required`: Mongoose rejects empty strings for required paths.
    description: { type: String, default: '' },
    language: { type: String, required: true, enum: LANGUAGES },
    runtime: { type: String, required: true },
    ownerId: { type: String, default: null },
    author: { type: String, default: null },
    tags: { type: [String], default: [] },
    permissions: { type: PermissionsSchema, required: true },
    schedules: { type: [ScheduleSchema], default: [] },
    scheduled: { type: Boolean, default: false },
    latestVersion: { type: String, required: true },
    latestVersionId: { type: String, required: true },
    versionCount: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    deletedAt: { type: Date, default: null },
    nameReleasedAt: { type: Date, default: null },
  },
  // minimize: false keeps empty objects; the adapter sets timestamps itself.
  { collection: 'functions', versionKey: false, minimize: false, timestamps: false },
);

FunctionSchema.index({ nameKey: 1 }, { unique: true });
// Active functions ordered by name (equality on deletedAt: null, then the name range and sort).
FunctionSchema.index({ deletedAt: 1, name: 1 });
// A name's tombstones (deleted functions that had it).
FunctionSchema.index({ name: 1, deletedAt: 1 });
FunctionSchema.index({ tags: 1 });
FunctionSchema.index({ ownerId: 1 });
FunctionSchema.index({ scheduled: 1, deletedAt: 1 });
