import type { FunctionRecord } from '@/modules/functions/function.record.js';
import type { FunctionVersionRecord } from '@/modules/versions/version.record.js';
import { type FunctionEndpoints, functionEndpoints } from './function-endpoints.js';

/** The REST view of a registration: the stored document (minus code) and its endpoints. */
export interface RegistrationResponse {
  id: string;
  name: string;
  description: string;
  language: string;
  runtime: string;
  version: string;
  versionId: string;
  codeHash: string;
  /** `source`, `zip`, `tar` or `tgz`. */
  codeFormat: string;
  /** The entry point; null: the language's default. */
  handler: string | null;
  buildStatus: string;
  /** Why a FAILED version cannot run (dependency install output, or why it does not load). */
  buildLog: string;
  metadata: {
    createdAt: string;
    updatedAt: string;
    author: string | null;
    tags: string[];
    dependencies: Record<string, string>;
    permissions: FunctionRecord['permissions'];
  };
  executionConfig: {
    timeout: number;
    memoryLimit: number;
    minInstances: number;
    maxInstances: number | null;
    concurrency: number;
    retry: { attempts: number; backoffSeconds: number };
    maxEventAgeSeconds: number | null;
    destinations: { onSuccess: string | null; onFailure: string | null };
    eventFormat: string;
    network: { enabled: boolean; allow: string[] };
    environmentVariableNames: string[];
    /** Secret values are null. */
    environmentVariables: Array<{ name: string; secret: boolean; value: string | null }>;
  };
  /** As stored (ids filled in, defaults applied). */
  schedules: FunctionRecord['schedules'];
  /** The version's declared schemas; null: none. */
  contract: FunctionVersionRecord['contract'];
  endpoints: FunctionEndpoints;
}

export function toRegistrationResponse(
  fn: FunctionRecord,
  version: FunctionVersionRecord,
  variables: RegistrationResponse['executionConfig']['environmentVariables'],
  baseUrl = '',
): RegistrationResponse {
  return {
    id: fn.id,
    name: fn.name,
    description: fn.description,
    language: fn.language,
    runtime: fn.runtime,
    version: version.version,
    versionId: version.id,
    codeHash: version.codeHash,
    codeFormat: version.codeFormat,
    handler: version.handler,
    buildStatus: version.buildStatus,
    buildLog: version.buildLog,
    metadata: {
      createdAt: fn.createdAt.toISOString(),
      updatedAt: fn.updatedAt.toISOString(),
      author: fn.author,
      tags: fn.tags,
      dependencies: version.dependencies,
      permissions: fn.permissions,
    },
    executionConfig: {
      timeout: version.timeoutSeconds,
      memoryLimit: version.memoryLimitMb,
      minInstances: version.minInstances,
      maxInstances: version.maxInstances,
      concurrency: version.concurrency,
      retry: { attempts: version.asyncPolicy.maxAttempts, backoffSeconds: version.asyncPolicy.retryBackoffSeconds },
      maxEventAgeSeconds: version.asyncPolicy.maxEventAgeSeconds,
      destinations: { onSuccess: version.asyncPolicy.onSuccess, onFailure: version.asyncPolicy.onFailure },
      eventFormat: version.eventFormat,
      network: { enabled: version.network.enabled, allow: [...version.network.allow] },
      environmentVariableNames: version.environmentVariableNames,
      environmentVariables: variables,
    },
    schedules: fn.schedules,
    contract: version.contract,
    endpoints: functionEndpoints(fn, baseUrl),
  };
}
