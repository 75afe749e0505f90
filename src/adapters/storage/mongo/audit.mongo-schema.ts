import { Schema } from 'mongoose';

export const AUDIT_MODEL = 'AuditEntry';

/** An audit record as stored in the `audit_log` collection. */
export interface MongoAuditEntry {
  _id: string;
  at: Date;
  actorId: string | null;
  actorKind: string;
  credentialId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  /** JSON text: detail keys are not restricted to what every MongoDB-protocol server accepts as field names. */
  details: string;
  ip: string | null;
  userAgent: string | null;
}

export const AuditSchema = new Schema<MongoAuditEntry>(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    actorId: { type: String, default: null },
    actorKind: { type: String, required: true },
    credentialId: { type: String, default: null },
    action: { type: String, required: true },
    targetType: { type: String, required: true },
    targetId: { type: String, default: null },
    details: { type: String, default: '{}' },
    ip: { type: String, default: null },
    userAgent: { type: String, default: null },
  },
  { collection: 'audit_log', versionKey: false, minimize: false, timestamps: false },
);

AuditSchema.index({ action: 1, _id: -1 });
AuditSchema.index({ actorId: 1, _id: -1 });
AuditSchema.index({ targetId: 1, _id: -1 });
