import { Schema } from 'mongoose';

export const API_KEY_MODEL = 'ApiKey';

/** An API key as stored in the `api_keys` collection (the secret only as its hash). */
export interface MongoApiKey {
  _id: string;
  prefix: string;
  name: string;
  ownerId: string;
  roles: string[];
  secretHash: string;
  createdAt: Date;
  createdBy: string | null;
  createdByKeyId: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export const ApiKeySchema = new Schema<MongoApiKey>(
  {
    _id: { type: String, required: true },
    prefix: { type: String, required: true },
    name: { type: String, required: true },
    ownerId: { type: String, required: true },
    roles: { type: [String], default: [] },
    secretHash: { type: String, required: true },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, default: null },
    createdByKeyId: { type: String, default: null },
    expiresAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
    lastUsedAt: { type: Date, default: null },
  },
  { collection: 'api_keys', versionKey: false, minimize: false, timestamps: false },
);

ApiKeySchema.index({ prefix: 1 }, { unique: true });
ApiKeySchema.index({ ownerId: 1, _id: -1 });
ApiKeySchema.index({ createdByKeyId: 1 });
