import { type mongo, Schema } from 'mongoose';
import { LANGUAGES } from '@/modules/runtimes/runtime-catalog.js';
import { BUILD_STATUSES } from '@/modules/versions/version.record.js';

export const FUNCTION_VERSION_MODEL = 'FunctionVersion';

/** Written as a Buffer, read back (with `.lean()`) as a BSON Binary. */
export type StoredBinary = Buffer | mongo.Binary;

export interface AsyncPolicySubdocument {
  maxAttempts: number;
  retryBackoffSeconds: number;
  maxEventAgeSeconds: number | null;
  onSuccess: string | null;
  onFailure: string | null;
}

export interface DependencyEntry {
  name: string;
  range: string;
}

/** A version as stored in the `function_versions` collection. `_id` is the record id. */
export interface MongoFunctionVersion {
  _id: string;
  functionId: string;
  sequence: number;
  version: string;
  language: string;
  runtime: string;
  codeHash: string;
  codeSizeBytes: number;
  /** Absent on versions stored before archives and entry points existed: `source` / null. */
  codeFormat?: string;
  handler?: string | null;
  /** Pairs, not an object: package names (`lodash.merge`) may contain '.', which FerretDB
   *  rejects in field names. */
  dependencies: DependencyEntry[];
  timeoutSeconds: number;
  memoryLimitMb: number;
  /** Absent on versions stored before instance bounds existed: read as 0 / null. */
  minInstances?: number;
  maxInstances?: number | null;
  /** Absent on versions stored before sandbox concurrency existed: read as 1. */
  concurrency?: number;
  /** Absent on versions stored before async policies existed: read as the defaults. */
  asyncPolicy?: AsyncPolicySubdocument;
  /** Absent on versions stored before handler styles existed: read as `native`. */
  eventFormat?: string;
  /** Absent on versions stored before network access existed: off. */
  network?: { enabled: boolean; allow: string[] };
  environmentVariableNames: string[];
  /** JSON text of the VersionContract (JSON Schema keywords start with `$`, which documents may not use in field names); absent or null: none. */
  contract?: string | null;
  sealed: { keyId: string; wrappedKey: StoredBinary; ciphertext: StoredBinary };
  buildStatus: string;
  buildLog: string;
  author: string | null;
  createdAt: Date;
}

const DependencySchema = new Schema<DependencyEntry>(
  {
    name: { type: String, required: true },
    range: { type: String, default: '' },
  },
  { _id: false },
);

const AsyncPolicySchema = new Schema<AsyncPolicySubdocument>(
  {
    maxAttempts: { type: Number, required: true },
    retryBackoffSeconds: { type: Number, required: true },
    maxEventAgeSeconds: { type: Number, default: null },
    onSuccess: { type: String, default: null },
    onFailure: { type: String, default: null },
  },
  { _id: false },
);

const NetworkSchema = new Schema<{ enabled: boolean; allow: string[] }>(
  {
    enabled: { type: Boolean, required: true },
    allow: { type: [String], default: [] },
  },
  { _id: false },
);

const SealedBoxSchema = new Schema<MongoFunctionVersion['sealed']>(
  {
    keyId: { type: String, required: true },
    // Not `required`: Mongoose would reject an empty Buffer as missing.
    wrappedKey: { type: Buffer },
    ciphertext: { type: Buffer },
  },
  { _id: false },
);

export const FunctionVersionSchema = new Schema<MongoFunctionVersion>(
  {
    _id: { type: String, required: true },
    functionId: { type: String, required: true },
    sequence: { type: Number, required: true },
    version: { type: String, required: true },
    language: { type: String, required: true, enum: LANGUAGES },
    runtime: { type: String, required: true },
    codeHash: { type: String, required: true },
    codeSizeBytes: { type: Number, required: true },
    codeFormat: { type: String, default: 'source' },
    handler: { type: String, default: null },
    dependencies: { type: [DependencySchema], default: [] },
    timeoutSeconds: { type: Number, required: true },
    memoryLimitMb: { type: Number, required: true },
    minInstances: { type: Number, default: 0 },
    maxInstances: { type: Number, default: null },
    concurrency: { type: Number, default: 1 },
    asyncPolicy: { type: AsyncPolicySchema },
    eventFormat: { type: String, default: 'native' },
    network: { type: NetworkSchema },
    environmentVariableNames: { type: [String], default: [] },
    contract: { type: String, default: null },
    sealed: { type: SealedBoxSchema, required: true },
    buildStatus: { type: String, required: true, enum: BUILD_STATUSES },
    buildLog: { type: String, default: '' },
    author: { type: String, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'function_versions', versionKey: false, minimize: false, timestamps: false },
);

FunctionVersionSchema.index({ functionId: 1, version: 1 }, { unique: true });
// Also serves "versions of these functions, newest first".
FunctionVersionSchema.index({ functionId: 1, sequence: -1 }, { unique: true });
