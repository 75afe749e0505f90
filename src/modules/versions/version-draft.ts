import type { Language } from '@/modules/runtimes/runtime-catalog.js';
import type { RuntimeId } from '@/modules/runtimes/runtime-catalog.js';
import type { CodeFormat } from '@/modules/runtimes/code/code-format.js';
import type { EventFormat } from '@/modules/executor/execution.types.js';
import type { NetworkConfig } from '@/modules/egress/network-config.js';
import type { VersionContract } from '@/modules/contracts/contract.record.js';
import type { AsyncPolicy } from './version.record.js';

/** Everything a new version is made of, validated, before it is built and sealed. */
export interface VersionDraft {
  language: Language;
  runtime: RuntimeId;
  /** The decoded `code`: UTF-8 source (`source`) or an archive's bytes. */
  code: Buffer;
  codeFormat: CodeFormat;
  /** The entry point named by the registration; null: the language's default. */
  handler: string | null;
  dependencies: Record<string, string>;
  timeoutSeconds: number;
  memoryLimitMb: number;
  minInstances: number;
  maxInstances: number | null;
  concurrency: number;
  asyncPolicy: AsyncPolicy;
  eventFormat: EventFormat;
  network: NetworkConfig;
  environmentVariables: Record<string, string>;
  /** Names of the variables whose values the API never returns. */
  secretVariableNames: string[];
  /** Declared schemas of input, query and output; null: none. */
  contract: VersionContract | null;
  author: string | null;
}
