import { Injectable } from '@nestjs/common';
import type { Principal } from '@/kernel/identity/principal.js';
import { unifiedDiff } from '@/kernel/text/unified-diff.js';
import { contractChanges } from '@/modules/contracts/contract-changes.js';
import { isArchiveFormat } from '@/modules/runtimes/code/code-format.js';
import type { FunctionVersionRecord } from '@/modules/versions/version.record.js';
import { VersionsService } from '@/modules/versions/versions.service.js';
import { FunctionAccessPolicy } from './function-access.policy.js';
import { FunctionsService } from './functions.service.js';
import type { CodeDiff, ConfigChange, VersionDiff } from './version-diff.js';

/** `versionDiff`: code, settings and contract of two versions of one function, side by side. */
@Injectable()
export class VersionDiffService {
  constructor(
    private readonly functions: FunctionsService,
    private readonly versions: VersionsService,
    private readonly policy: FunctionAccessPolicy,
  ) {}

  /** For whoever may see the function (NOT_FOUND otherwise); the code part only for whoever may read its code. */
  async diff(principal: Principal, functionId: string, from: string, to: string): Promise<VersionDiff> {
    const fn = await this.functions.getVisibleById(principal, functionId);
    const [before, after] = await Promise.all([this.versions.getByVersion(fn.id, from), this.versions.getByVersion(fn.id, to)]);
    const readCode = this.policy.functionAccess(principal, fn).readCode;
    return {
      functionId: fn.id,
      from: before.version,
      to: after.version,
      code: readCode ? this.codeDiff(before, after) : null,
      codeUnavailableReason: readCode ? null : "Comparing code needs the right to read this function's code (its owner, admins, developers it is shared with)",
      config: configChanges(before, after),
      contract: contractChanges(before.contract, after.contract),
    };
  }

  private codeDiff(before: FunctionVersionRecord, after: FunctionVersionRecord): CodeDiff {
    const identical = before.codeHash === after.codeHash;
    const archives = isArchiveFormat(before.codeFormat) || isArchiveFormat(after.codeFormat);
    let unified: string | null = null;
    if (!archives) {
      const names = { from: `a/${before.version}`, to: `b/${after.version}` };
      unified = identical ? '' : unifiedDiff(this.versions.openSecrets(before).source, this.versions.openSecrets(after).source, names);
    }
    return { identical, fromHash: before.codeHash, toHash: after.codeHash, fromSizeBytes: before.codeSizeBytes, toSizeBytes: after.codeSizeBytes, unified };
  }
}

/** The settings of a version as the registration document names them; variable values stay sealed (names only). */
function settingsOf(version: FunctionVersionRecord): Record<string, unknown> {
  return {
    language: version.language,
    runtime: version.runtime,
    codeFormat: version.codeFormat,
    handler: version.handler,
    metadata: { dependencies: version.dependencies },
    executionConfig: {
      timeout: version.timeoutSeconds,
      memoryLimit: version.memoryLimitMb,
      minInstances: version.minInstances,
      maxInstances: version.maxInstances,
      concurrency: version.concurrency,
      eventFormat: version.eventFormat,
      retry: { attempts: version.asyncPolicy.maxAttempts, backoffSeconds: version.asyncPolicy.retryBackoffSeconds },
      maxEventAgeSeconds: version.asyncPolicy.maxEventAgeSeconds,
      destinations: { onSuccess: version.asyncPolicy.onSuccess, onFailure: version.asyncPolicy.onFailure },
      network: version.network,
      environmentVariableNames: version.environmentVariableNames,
    },
  };
}

function configChanges(before: FunctionVersionRecord, after: FunctionVersionRecord): ConfigChange[] {
  const changes: ConfigChange[] = [];
  compare('', settingsOf(before), settingsOf(after), changes);
  return changes;
}

/** Objects are walked key by key (a key on one side only is a change with null on the other); anything else is compared whole. */
function compare(path: string, before: unknown, after: unknown, changes: ConfigChange[]): void {
  if (isPlainObject(before) && isPlainObject(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)]))
      compare(path ? `${path}.${key}` : key, before[key] ?? null, after[key] ?? null, changes);
    return;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) changes.push({ path, before, after });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
