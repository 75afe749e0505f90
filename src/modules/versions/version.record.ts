import type { SealedBox } from '@/kernel/crypto/sealed-box.js';
import type { CodeFormat } from '@/modules/runtimes/code/code-format.js';
import type { EntryPoint } from '@/modules/runtimes/code/entry-point.js';
import type { EventFormat } from '@/modules/executor/execution.types.js';
import type { NetworkConfig } from '@/modules/egress/network-config.js';
import type { Language } from '@/modules/runtimes/runtime-catalog.js';
import type { VersionContract } from '@/modules/contracts/contract.record.js';

export const BUILD_STATUSES = ['BUILDING', 'READY', 'FAILED'] as const;
export type BuildStatus = (typeof BUILD_STATUSES)[number];

/** What a version seals at rest: everything secret or executable. */
export interface VersionSecrets {
  /** Source exactly as registered (UTF-8); '' for an archive. */
  source: string;
  /** An archive exactly as registered, base64-encoded (absent for one source file). */
  archive?: string;
  /** What the sandbox loads: the source compiled for the runtime (CommonJS for Node); '' when Python imports it from the folder. */
  artifact: string;
  /** The module loaded and its export (absent in boxes sealed before entry points existed: the language's default). */
  entry?: EntryPoint;
  /** The loaded module's path in the function's folder (absent before entry points: `index.js` / `handler.py`). */
  entryFile?: string;
  environmentVariables: Record<string, string>;
  /** Variables marked secret (absent in boxes sealed before secrets existed: none). */
  secretVariableNames?: string[];
}

/**
 * An immutable version of a function. Only the build status and log change after
 * creation (as the build progresses), and the sealed box is rewrapped on key rotation.
 */
export interface FunctionVersionRecord {
  id: string;
  functionId: string;
  /** 1 for the first version, +1 for each next one; unique per function. */
  sequence: number;
  /** Semver; strictly increasing with `sequence`. */
  version: string;
  language: Language;
  runtime: string;
  /** sha256 hex of the code as registered (the source, or the archive's bytes). */
  codeHash: string;
  codeSizeBytes: number;
  /** How the code is packed (`source` for versions stored before archives existed). */
  codeFormat: CodeFormat;
  /** The registration's entry point (`src/app.handler`); null: the language's default. */
  handler: string | null;
  dependencies: Record<string, string>;
  timeoutSeconds: number;
  memoryLimitMb: number;
  /** Sandboxes kept warm on every node that serves the function (0: none). */
  minInstances: number;
  /** Most sandboxes at once per node; null: the platform default. */
  maxInstances: number | null;
  /** Invocations one sandbox serves at once (`executionConfig.concurrency`; 1 in versions stored before it existed). */
  concurrency: number;
  /** How queued (async) invocations of this version are delivered. */
  asyncPolicy: AsyncPolicy;
  /** How its handler is called and its result read (`executionConfig.eventFormat`). */
  eventFormat: EventFormat;
  /** Outbound network access and its allow-list (off in versions stored before it existed). */
  network: NetworkConfig;
  /** Names only, so listings never need to unseal the box. */
  environmentVariableNames: string[];
  /** The JSON Schemas its input, query and output must match; null: none declared (and in versions stored before contracts existed). */
  contract: VersionContract | null;
  sealed: SealedBox;
  buildStatus: BuildStatus;
  buildLog: string;
  author: string | null;
  createdAt: Date;
}

/** Delivery of queued invocations: retries, how long an event may wait, where outcomes go. */
export interface AsyncPolicy {
  /** Runs in all, the first included (1: no retry). */
  maxAttempts: number;
  /** Wait before the second run; doubled before each next one. */
  retryBackoffSeconds: number;
  /** An event still waiting after this long is dead-lettered instead of run; null: no limit. */
  maxEventAgeSeconds: number | null;
  /** Functions (by name) invoked, queued, with the outcome; null: none. */
  onSuccess: string | null;
  onFailure: string | null;
}

export const DEFAULT_ASYNC_POLICY: AsyncPolicy = { maxAttempts: 3, retryBackoffSeconds: 1, maxEventAgeSeconds: 21600, onSuccess: null, onFailure: null };
