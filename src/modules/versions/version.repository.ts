import type { SealedBox } from '@/kernel/crypto/sealed-box.js';
import type { BuildStatus, FunctionVersionRecord } from './version.record.js';

/** Storage port for function versions. (functionId, version) and (functionId, sequence) are unique. */
export abstract class VersionRepository {
  /** Throws `ConflictError` when the function already has this version or sequence. */
  abstract insert(record: FunctionVersionRecord): Promise<void>;
  abstract findById(id: string): Promise<FunctionVersionRecord | null>;
  abstract findByIds(ids: readonly string[]): Promise<FunctionVersionRecord[]>;
  abstract findByVersion(functionId: string, version: string): Promise<FunctionVersionRecord | null>;
  /** Versions of each function, newest (highest sequence) first. */
  abstract listByFunctionIds(functionIds: readonly string[]): Promise<FunctionVersionRecord[]>;
  /** Versions in a build status, oldest first (e.g. builds a stopped server left unfinished). */
  abstract findByBuildStatus(status: BuildStatus, limit: number): Promise<FunctionVersionRecord[]>;
  /** Does nothing when the version does not exist (it may have been removed meanwhile). */
  abstract setBuildResult(id: string, status: BuildStatus, log: string): Promise<void>;
  /** Replaces the sealed box (key rotation); the plaintext it holds is unchanged. No-op for an unknown id. */
  abstract replaceSealed(id: string, sealed: SealedBox): Promise<void>;
  /** Every version id with the master key id of its box, for key rotation. */
  abstract listSealedKeyIds(): Promise<Array<{ id: string; keyId: string }>>;
  /** Removes the record for good; used only to undo a half-done registration. */
  abstract remove(id: string): Promise<void>;
}
