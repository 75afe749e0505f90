import type { AliasRecord } from './alias.record.js';

/** Storage port for aliases: one record per (functionId, name). */
export abstract class AliasRepository {
  /** The function's aliases ordered by name (a deleted function's included). */
  abstract list(functionId: string): Promise<AliasRecord[]>;
  /** The aliases of several functions at once (DataLoader batches), in no particular order. */
  abstract listByFunctionIds(functionIds: readonly string[]): Promise<AliasRecord[]>;
  abstract find(functionId: string, name: string): Promise<AliasRecord | null>;
  /** Inserts or replaces the record of (functionId, name); a replaced one keeps its `createdAt`. */
  abstract save(record: AliasRecord): Promise<void>;
  /** Returns whether there was one. */
  abstract delete(functionId: string, name: string): Promise<boolean>;
}
