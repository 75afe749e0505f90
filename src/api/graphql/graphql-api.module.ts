import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Module } from '@nestjs/common';
import { GraphQLModule, GraphQLSchemaHost } from '@nestjs/graphql';
import type { Request } from 'express';
import type { GraphQLFormattedError } from 'graphql';
import { AppConfig } from '@/kernel/config/app-config.js';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import { ANONYMOUS, NO_ORIGIN } from '@/kernel/identity/principal.js';
import type { ModuleImport } from '@/kernel/modules/module-import.js';
import { ApiTelemetry } from '@/kernel/telemetry/api-telemetry.js';
import { requestActor } from '@/api/http/auth/request-actor.js';
import { PublicUrlsModule } from '@/api/http/origins/public-urls.module.js';
import { AliasesResolver, FunctionAliasesFieldsResolver } from './aliases/aliases.resolver.js';
import { AuditResolver } from './audit/audit.resolver.js';
import { ReplayResolver } from './comparisons/replay.resolver.js';
import { ShadowReportResolver } from './comparisons/shadow-report.resolver.js';
import { CanaryResolver } from './canary/canary.resolver.js';
import { ApiKeysResolver } from './auth/api-keys.resolver.js';
import { formatGraphQLError } from './format-graphql-error.js';
import { FunctionsResolver } from './functions/functions.resolver.js';
import { FunctionAccessResolver } from './functions/function-access.resolver.js';
import type { GraphQLContext } from './graphql-context.js';
import { GraphQLContextModule } from './graphql-context.module.js';
import { GraphQLLimits } from './cost/graphql-limits.js';
import { graphqlLimitsPlugin } from './cost/graphql-limits.plugin.js';
import { hardeningRules, parseOptions } from './graphql-hardening.js';
import { InvocationSubscriptionsResolver } from './invocations/invocation-subscriptions.resolver.js';
import { FunctionInvocationsFieldsResolver, InvocationsResolver } from './invocations/invocations.resolver.js';
import { FunctionMetricsResolver } from './live-metrics/function-metrics.resolver.js';
import { RequestLoadersFactory } from './loaders/request-loaders.js';
import { graphqlMetricsPlugin } from './observability/graphql-metrics.plugin.js';
import { graphqlWsMetrics } from './observability/graphql-ws-metrics.js';
import { PlatformErrorsResolver } from './observability/platform-errors.resolver.js';
import { applyPermissions } from './permissions/shield-permissions.js';
import { RuntimesResolver } from './runtimes/runtimes.resolver.js';
import { FunctionSchedulesResolver } from './schedules/function-schedules.resolver.js';
import { VersionBuildLogsResolver } from './versions/version-build-logs.resolver.js';
import { ExecutionConfigFieldsResolver, FunctionVersionsFieldsResolver, VersionsResolver } from './versions/versions.resolver.js';
import { VersionDiffResolver } from './contracts/version-diff.resolver.js';
import { type WsContext, WsConnectionGuard } from './ws-connection-guard.js';

export const GRAPHQL_PATH = '/graphql';

export interface GraphQLApiModuleImports {
  functions: ModuleImport;
  versions: ModuleImport;
  invocations: ModuleImport;
  liveMetrics: ModuleImport;
  auth: ModuleImport;
  audit: ModuleImport;
  limits: ModuleImport;
  /** Runtime availability (`runtimes`). */
  executor: ModuleImport;
  /** Provides `ApiTelemetry`. */
  metrics: ModuleImport;
  /** Last and next runs of schedules (`Function.schedules`). */
  schedules: ModuleImport;
  /** Aliases (`Function.aliases`, `setAlias`, `deleteAlias`). */
  aliases: ModuleImport;
  /** Replay of recorded invocations (`replayInvocations`). */
  replay: ModuleImport;
  /** Shadow traffic reports (`shadowReport`). */
  shadow: ModuleImport;
  /** Canary releases (`startCanary`, `canary`, `canaryUpdated`). */
  canary: ModuleImport;
}

/**
 * GraphQL over HTTP (Apollo) and over WebSocket (graphql-ws, same path), sharing one
 * context factory: every operation gets fresh DataLoaders and the caller's actor.
 * graphql-shield gates every field; the same limits apply on both transports.
 */
@Module({})
export class GraphQLApiModule {
  static register(imports: GraphQLApiModuleImports): DynamicModule {
    const context = GraphQLContextModule.register(imports);
    return {
      module: GraphQLApiModule,
      imports: [
        imports.functions,
        imports.versions,
        imports.invocations,
        imports.liveMetrics,
        imports.auth,
        imports.audit,
        imports.executor,
        imports.schedules,
        imports.aliases,
        imports.replay,
        imports.shadow,
        imports.canary,
        PublicUrlsModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [context, imports.metrics],
          inject: [AppConfig, RequestLoadersFactory, WsConnectionGuard, GraphQLSchemaHost, ApiTelemetry, UnexpectedErrors],
          useFactory: apolloOptions,
        }),
      ],
      providers: [
        FunctionsResolver,
        FunctionAccessResolver,
        VersionsResolver,
        FunctionVersionsFieldsResolver,
        ExecutionConfigFieldsResolver,
        VersionBuildLogsResolver,
        InvocationsResolver,
        FunctionInvocationsFieldsResolver,
        InvocationSubscriptionsResolver,
        FunctionMetricsResolver,
        RuntimesResolver,
        ApiKeysResolver,
        AuditResolver,
        PlatformErrorsResolver,
        FunctionSchedulesResolver,
        AliasesResolver,
        FunctionAliasesFieldsResolver,
        ReplayResolver,
        ShadowReportResolver,
        CanaryResolver,
        VersionDiffResolver,
      ],
    };
  }
}

function apolloOptions(
  config: AppConfig,
  loaders: RequestLoadersFactory,
  wsGuard: WsConnectionGuard,
  schemaHost: GraphQLSchemaHost,
  telemetry: ApiTelemetry,
  errors: UnexpectedErrors,
): ApolloDriverConfig {
  const format = (formatted: GraphQLFormattedError, error: unknown) =>
    formatGraphQLError(formatted, error, !config.isProduction, config.isProduction, (original, where) => errors.report(original, { source: 'graphql', where }));
  const guard = wsGuard.hooks(schemaHost, format);
  const wsMetrics = graphqlWsMetrics(telemetry);
  return {
    path: GRAPHQL_PATH,
    autoSchemaFile: true,
    sortSchema: true,
    buildSchemaOptions: { dateScalarMode: 'isoDate' },
    transformSchema: applyPermissions,
    // Never Apollo's or Nest's GraphiQL (from a CDN, keeping the headers in localStorage): `graphiql.middleware.ts` serves ours.
    graphiql: false,
    introspection: !config.isProduction,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    validationRules: hardeningRules(config),
    parseOptions: parseOptions(config),
    formatError: format,
    // The limits plugin first: the metrics plugin counts the error codes of what is finally sent.
    plugins: [graphqlLimitsPlugin(new GraphQLLimits(config)), graphqlMetricsPlugin(telemetry)],
    context: (arg: { req?: Request } | WsContext): GraphQLContext => {
      if ('extra' in arg && arg.extra?.socket) {
        return {
          connectionParams: arg.connectionParams as Record<string, unknown> | undefined,
          actor: arg.extra.actor ?? { principal: ANONYMOUS, origin: NO_ORIGIN },
          loaders: loaders.create(),
        };
      }
      const req = (arg as { req?: Request }).req;
      return { req, actor: requestActor(req), loaders: loaders.create() };
    },
    subscriptions: {
      'graphql-ws': {
        path: GRAPHQL_PATH,
        ...guard,
        onOperation: wsMetrics.onOperation,
        onComplete: wsMetrics.onComplete,
        onError: (ctx: WsContext, id: string, payload: unknown, errors: Parameters<typeof guard.onError>[3]) => {
          wsMetrics.onError(ctx, id, payload, errors);
          return guard.onError(ctx, id, payload, errors);
        },
      },
    },
  } as ApolloDriverConfig;
}
