import type { AliasRecord } from '@/modules/aliases/alias.record.js';
import type { FunctionAliasModel } from './function-alias.model.js';

export function toFunctionAliasModel(record: AliasRecord): FunctionAliasModel {
  return {
    functionId: record.functionId,
    name: record.name,
    routes: record.routes.map((route) => ({ version: route.version, weight: route.weight })),
    shadow: record.shadow ? { version: record.shadow.version, percent: record.shadow.percent } : null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    updatedBy: record.updatedBy,
  };
}
