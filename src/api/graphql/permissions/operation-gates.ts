import type { Role } from '@/kernel/identity/roles.js';

/**
 * Who may call each root field, before any resource-level check (README: role matrix).
 * `public`: anyone, even without credentials (the service then decides, e.g. only public
 * functions may be invoked anonymously); `authenticated`: any valid credential, even
 * without roles; otherwise, any of the listed roles.
 * A root field missing here is denied to everyone (graphql-shield fallback rule).
 */
export type Gate = 'public' | 'authenticated' | readonly Role[];

const ANY_ROLE: readonly Role[] = ['admin', 'developer', 'invoker', 'viewer'];
const MANAGERS: readonly Role[] = ['admin', 'developer'];
const ADMINS: readonly Role[] = ['admin'];

export const OPERATION_GATES: Record<'Query' | 'Mutation' | 'Subscription', Record<string, Gate>> = {
  Query: {
    me: 'public',
    function: ANY_ROLE,
    functionByName: ANY_ROLE,
    functions: ANY_ROLE,
    functionVersion: ANY_ROLE,
    // The service shows the code part only to those who may read the code.
    versionDiff: ANY_ROLE,
    invocation: ANY_ROLE,
    invocations: ANY_ROLE,
    // The service checks the right to read the function's invocations.
    shadowReport: ANY_ROLE,
    runtimes: ANY_ROLE,
    apiKeys: 'authenticated',
    auditLog: ADMINS,
    platformErrors: ADMINS,
    // The service checks the caller may read the function's invocations.
    canary: ANY_ROLE,
  },
  Mutation: {
    registerFunction: MANAGERS,
    updateFunction: MANAGERS,
    deleteFunction: MANAGERS,
    releaseFunctionName: ADMINS,
    // The service checks the caller may manage the function.
    setAlias: MANAGERS,
    deleteAlias: MANAGERS,
    startCanary: MANAGERS,
    abortCanary: MANAGERS,
    invokeFunction: 'public',
    // The service checks the caller may invoke the function.
    redriveInvocation: ANY_ROLE,
    // The service checks the right to manage the function.
    replayInvocations: MANAGERS,
    createApiKey: 'authenticated',
    revokeApiKey: 'authenticated',
  },
  Subscription: {
    invocationLogs: ANY_ROLE,
    // Each re-checks access before every event (see InvocationSubscriptionsResolver).
    functionLogs: ANY_ROLE,
    invocationUpdated: ANY_ROLE,
    functionMetrics: ANY_ROLE,
    versionBuildLogs: ANY_ROLE,
    // Checked before the stream starts and before every event (see CanaryResolver).
    canaryUpdated: ANY_ROLE,
  },
};

/**
 * Object types whose fields need no rule of their own: they are reached only through a
 * gated root field, and their edges to other resources (`Invocation.function`,
 * `FunctionVersion.code`, `Function.latestInvocation`, …) check access in their resolvers.
 */
export const DATA_TYPES = [
  'Function',
  'FunctionConnection',
  'FunctionEdge',
  'FunctionEndpoints',
  'FunctionMetadata',
  'FunctionPermissions',
  'FunctionSchedule',
  'FunctionVersion',
  'FunctionContract',
  'VersionDiff',
  'CodeDiff',
  'ConfigChange',
  'ContractChange',
  'FunctionAccess',
  'ExecutionConfig',
  'RetryPolicy',
  'AsyncDestinations',
  'NetworkConfig',
  'EnvironmentVariable',
  'Invocation',
  'InvocationConnection',
  'InvocationEdge',
  'InvocationError',
  'InvocationRequest',
  'LogLine',
  'PageInfo',
  'ApiKey',
  'ApiKeyConnection',
  'ApiKeyEdge',
  'CreatedApiKey',
  'Principal',
  'AuditEntry',
  'AuditEntryConnection',
  'AuditEntryEdge',
  'FunctionMetrics',
  'BuildLogLine',
  'Runtime',
  'PlatformErrors',
  'PlatformError',
  'FunctionAlias',
  'AliasRoute',
  'AliasShadow',
  'ReplayReport',
  'ReplayItem',
  'HeaderDifference',
  'ShadowReport',
  'ShadowComparison',
  'ShadowDifferenceCounts',
  'Canary',
  'CanaryDecision',
  'CanaryWindowStats',
] as const;
