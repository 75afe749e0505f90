import type { LanguageEnum } from '@/api/graphql/functions/language.enum.js';
import type { BuildStatusEnum } from './build-status.enum.js';
import type { CodeFormatEnum } from './code-format.enum.js';
import type { ExecutionConfigModel } from './execution-config.model.js';
import type { FunctionVersionModel } from './function-version.model.js';
import type { FunctionVersionRecord } from '@/modules/versions/version.record.js';
import { toFunctionContractModel } from '@/api/graphql/contracts/contract.mapper.js';

export function toFunctionVersionModel(record: FunctionVersionRecord): FunctionVersionModel {
  return {
    id: record.id,
    functionId: record.functionId,
    version: record.version,
    sequence: record.sequence,
    language: record.language as LanguageEnum,
    runtime: record.runtime,
    codeHash: record.codeHash,
    codeSizeBytes: record.codeSizeBytes,
    codeFormat: record.codeFormat as CodeFormatEnum,
    handler: record.handler,
    dependencies: record.dependencies,
    executionConfig: toExecutionConfigModel(record),
    contract: toFunctionContractModel(record.contract),
    buildStatus: record.buildStatus as BuildStatusEnum,
    buildLog: record.buildLog,
    author: record.author,
    createdAt: record.createdAt,
  };
}

export function toExecutionConfigModel(record: FunctionVersionRecord): ExecutionConfigModel {
  return {
    timeout: record.timeoutSeconds,
    memoryLimit: record.memoryLimitMb,
    minInstances: record.minInstances,
    maxInstances: record.maxInstances,
    concurrency: record.concurrency,
    retry: { attempts: record.asyncPolicy.maxAttempts, backoffSeconds: record.asyncPolicy.retryBackoffSeconds },
    maxEventAgeSeconds: record.asyncPolicy.maxEventAgeSeconds,
    destinations: { onSuccess: record.asyncPolicy.onSuccess, onFailure: record.asyncPolicy.onFailure },
    eventFormat: record.eventFormat,
    network: { enabled: record.network.enabled, allow: [...record.network.allow] },
    environmentVariableNames: record.environmentVariableNames,
    versionId: record.id,
    functionId: record.functionId,
  };
}
