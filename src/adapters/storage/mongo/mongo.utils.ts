import { mongo } from 'mongoose';
import type { StoredBinary } from './function-version.mongo-schema.js';

/** MongoDB, DocumentDB and FerretDB all report unique-index violations as code 11000. */
export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 11000;
}

/**
 * The index a duplicate-key error names, when the server says (MongoDB sets `keyPattern`;
 * FerretDB 1.x does not, so callers need a fallback message).
 */
export function duplicateKeyFields(error: unknown): string[] | undefined {
  if (typeof error !== 'object' || error === null || !('keyPattern' in error)) return undefined;
  const pattern = error.keyPattern;
  return typeof pattern === 'object' && pattern !== null ? Object.keys(pattern) : undefined;
}

/** `.lean()` hands back BSON Binary for Buffer paths; the domain wants a Buffer it owns. */
export function toBuffer(value: StoredBinary): Buffer {
  if (value instanceof mongo.Binary) return Buffer.from(value.value());
  return Buffer.from(value);
}

/** Makes user input match itself literally inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
