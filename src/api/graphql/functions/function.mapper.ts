import type { FunctionRecord } from '@/modules/functions/function.record.js';
import { functionEndpoints } from '@/api/http/functions/function-endpoints.js';
import type { FunctionModel } from './function.model.js';
import type { LanguageEnum } from './language.enum.js';

export function toFunctionModel(record: FunctionRecord, baseUrl = ''): FunctionModel {
  return {
    id: record.id,
    name: record.name,
    description: record.description,
    language: record.language as LanguageEnum,
    runtime: record.runtime,
    endpoints: functionEndpoints(record, baseUrl),
    deletedAt: record.deletedAt,
    latestVersionId: record.latestVersionId,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    author: record.author,
    tags: record.tags,
    permissions: record.permissions,
    schedules: record.schedules,
  };
}
