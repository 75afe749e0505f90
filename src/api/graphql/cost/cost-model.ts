import type { AppConfig } from '@/kernel/config/app-config.js';
import { ROLES } from '@/kernel/identity/roles.js';
import { DEFAULT_PAGE_SIZE } from '@/kernel/pagination/page.js';
import { MAX_ALIASES_PER_FUNCTION, MAX_ROUTES } from '@/modules/aliases/alias-rules.js';
import { DIFFERENCE_KINDS } from '@/modules/comparisons/comparison.record.js';
import { MAX_BODY_PATHS } from '@/modules/comparisons/json-differences.js';
import { MAX_HEADER_DIFFERENCES } from '@/modules/comparisons/comparable-headers.js';
import { REDACTED_HEADERS } from '@/modules/invocations/invocation-request.js';
import { MAX_REPLAY_LIMIT } from '@/modules/replay/replay.record.js';
import { MAX_ENV_VARS, MAX_PRINCIPALS, MAX_SCHEDULES, MAX_TAGS } from '@/modules/functions/function-rules.js';

/**
 * What a value of a leaf field weighs, by how large it may be. Not proportional to bytes on
 * purpose: the weights make large fields dominate the cost of a query, while the actual
 * size of a response is bounded separately (`FNGRAPH_GRAPHQL_MAX_RESPONSE_BYTES`).
 */
export const SIZE_CLASS_WEIGHT = {
  /** ids, names, numbers, dates, flags. */
  small: 1,
  /** A line of text, up to a few KiB (a log line, an error message). */
  line: 4,
  /** Up to tens of KiB (a build log, an environment value, a stack trace, headers). */
  document: 20,
  /** Up to MiBs (source code, request and response bodies). */
  blob: 400,
} as const;

export type SizeClass = keyof typeof SIZE_CLASS_WEIGHT;

/** What the cost analysis needs to know about the schema beyond its types. */
export interface CostModel {
  /** `Type.field` → size class of its values (leaf fields not named are `small`). */
  sizeClasses: ReadonlyMap<string, SizeClass>;
  /**
   * `Type.field` → how many items a list field returns at most, for lists that are not paged
   * (a page-size argument wins). The `edges`/`nodes` of a connection count 1: their
   * connection field carries the page size.
   */
  listBounds: ReadonlyMap<string, number>;
  /** Lists neither paged nor named in `listBounds`. */
  defaultListBound: number;
  /** Page size of a paged field whose page-size argument is absent and has no default. */
  defaultPageSize: number;
}

/** The model of fngraph's schema, with the bounds the configuration and the domain rules set. */
export function costModel(config: AppConfig): CostModel {
  const sizeClasses = new Map<string, SizeClass>([
    ['FunctionVersion.code', 'blob'],
    ['Invocation.response', 'blob'],
    ['InvocationRequest.body', 'blob'],
    ['InvocationRequest.headers', 'document'],
    ['InvocationRequest.query', 'document'],
    ['FunctionVersion.buildLog', 'document'],
    ['EnvironmentVariable.value', 'document'],
    ['FunctionSchedule.payload', 'document'],
    ['InvocationError.stack', 'document'],
    ['AuditEntry.details', 'document'],
    ['Function.description', 'line'],
    ['LogLine.message', 'line'],
    ['BuildLogLine.message', 'line'],
    ['InvocationError.message', 'line'],
    ['PlatformError.message', 'line'],
    ['PlatformError.stack', 'line'],
    ['FunctionMetadata.dependencies', 'document'],
    ['FunctionVersion.dependencies', 'document'],
    // Cut to EXCERPT_CHARS.
    ['ReplayItem.bodyBefore', 'document'],
    ['ReplayItem.bodyAfter', 'document'],
    ['HeaderDifference.before', 'line'],
    ['HeaderDifference.after', 'line'],
  ]);
  const listBounds = new Map<string, number>([
    ['Function.versions', config.graphqlLimits.unpagedListBound],
    ['Invocation.logs', config.limits.maxLogLines],
    ['Function.schedules', MAX_SCHEDULES],
    ['Function.aliases', MAX_ALIASES_PER_FUNCTION],
    ['FunctionAlias.routes', MAX_ROUTES],
    ['ReplayReport.items', MAX_REPLAY_LIMIT],
    ['ReplayItem.differences', DIFFERENCE_KINDS.length],
    ['ReplayItem.bodyDifferences', MAX_BODY_PATHS],
    ['ReplayItem.headerDifferences', MAX_HEADER_DIFFERENCES],
    ['ReplayItem.redactedHeaders', REDACTED_HEADERS.size],
    // Paged by `shadowReport(first)`.
    ['ShadowReport.comparisons', 1],
    ['ShadowComparison.differences', DIFFERENCE_KINDS.length],
    ['ShadowComparison.bodyDifferences', MAX_BODY_PATHS],
    ['ShadowComparison.headerDifferences', MAX_HEADER_DIFFERENCES],
    ['FunctionMetadata.tags', MAX_TAGS],
    ['FunctionPermissions.allowedUsers', MAX_PRINCIPALS],
    ['FunctionPermissions.executionRoles', MAX_PRINCIPALS],
    ['ExecutionConfig.environmentVariables', MAX_ENV_VARS],
    ['ExecutionConfig.environmentVariableNames', MAX_ENV_VARS],
    ['ApiKey.roles', ROLES.length],
    ['Principal.roles', ROLES.length],
    // Paged by `platformErrors(first)`.
    ['PlatformErrors.errors', 1],
    // Error.stackTraceLimit frames plus the message's lines, generously.
    ['PlatformError.stack', 50],
  ]);
  return { sizeClasses, listBounds, defaultListBound: config.graphqlLimits.unpagedListBound, defaultPageSize: DEFAULT_PAGE_SIZE };
}
