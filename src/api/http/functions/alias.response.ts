import type { AliasRecord } from '@/modules/aliases/alias.record.js';

/** An alias as the REST routes show it (the GraphQL `FunctionAlias`, with its function's id). */
export interface AliasResponse {
  functionId: string;
  name: string;
  routes: Array<{ version: string; weight: number }>;
  shadow: { version: string; percent: number } | null;
  createdAt: string;
  updatedAt: string;
  updatedBy: string | null;
}

export function toAliasResponse(record: AliasRecord): AliasResponse {
  return {
    functionId: record.functionId,
    name: record.name,
    routes: record.routes.map((route) => ({ version: route.version, weight: route.weight })),
    shadow: record.shadow ? { version: record.shadow.version, percent: record.shadow.percent } : null,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    updatedBy: record.updatedBy,
  };
}
