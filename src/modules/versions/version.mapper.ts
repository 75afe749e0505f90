import type { LanguageEnum } from '@/modules/functions/models/language.enum.js';
import type { BuildStatusEnum } from './models/build-status.enum.js';
import type { ExecutionConfigModel } from './models/execution-config.model.js';
import type { FunctionVersionModel } from './models/function-version.model.js';
import type { FunctionVersionRecord } from './version.record.js';

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
    dependencies: record.dependencies,
    executionConfig: toExecutionConfigModel(record),
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
    environmentVariableNames: record.environmentVariableNames,
    versionId: record.id,
    functionId: record.functionId,
  };
}
