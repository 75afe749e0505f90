import type { ContractChange } from '@/modules/contracts/contract-changes.js';

/** The code of two versions compared: a line diff of one source file each, or for archives their hashes and sizes. */
export interface CodeDiff {
  identical: boolean;
  fromHash: string;
  toHash: string;
  fromSizeBytes: number;
  toSizeBytes: number;
  /** `diff -u` of the two sources ('' when identical); null when either version is an archive. */
  unified: string | null;
}

/** One setting that differs: a dotted path (`executionConfig.timeout`) and its JSON values. */
export interface ConfigChange {
  path: string;
  before: unknown;
  after: unknown;
}

/** What changed from one version of a function to another. */
export interface VersionDiff {
  functionId: string;
  from: string;
  to: string;
  /** Null when the caller may not read the function's code (`codeUnavailableReason` says so). */
  code: CodeDiff | null;
  codeUnavailableReason: string | null;
  config: ConfigChange[];
  contract: ContractChange[];
}
