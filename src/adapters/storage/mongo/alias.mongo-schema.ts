import { Schema } from 'mongoose';

export const ALIAS_MODEL = 'FunctionAlias';

/** An alias in the `function_aliases` collection; `_id` is `<function id>:<alias name>` (unique per function by construction). */
export interface MongoAlias {
  _id: string;
  functionId: string;
  name: string;
  routes: Array<{ version: string; weight: number }>;
  shadow: { version: string; percent: number } | null;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string | null;
}

const RouteSchema = new Schema({ version: { type: String, required: true }, weight: { type: Number, required: true } }, { _id: false });
const ShadowSchema = new Schema({ version: { type: String, required: true }, percent: { type: Number, required: true } }, { _id: false });

export const AliasSchema = new Schema<MongoAlias>(
  {
    _id: { type: String, required: true },
    functionId: { type: String, required: true },
    name: { type: String, required: true },
    routes: { type: [RouteSchema], required: true },
    shadow: { type: ShadowSchema, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, default: null },
  },
  { collection: 'function_aliases', versionKey: false, timestamps: false },
);

// A function's aliases, by name.
AliasSchema.index({ functionId: 1, name: 1 });
