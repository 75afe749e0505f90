import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule, GraphQLSchemaHost } from '@nestjs/graphql';
import type { GraphQLFormattedError } from 'graphql';
import type { Request } from 'express';
import { AppConfig } from '@/kernel/config/app-config.js';
import { requestActor } from '@/api/http/auth/request-actor.js';
import { ANONYMOUS, NO_ORIGIN } from '@/kernel/identity/principal.js';
import { PlatformErrors } from '@/adapters/observability/errors/platform-errors.js';
import { graphqlMetricsPlugin } from './observability/graphql-metrics.plugin.js';
import { graphqlWsMetrics } from './observability/graphql-ws-metrics.js';
import { PlatformMetrics } from '@/adapters/observability/metrics/platform-metrics.js';
import { FunctionLoadersFactory } from './loaders/function.loaders.js';
import { FunctionsModule } from '@/modules/functions/functions.module.js';
import { InvocationLoadersFactory } from './loaders/invocation.loaders.js';
import { InvocationsModule } from '@/modules/invocations/invocations.module.js';
import { VersionLoadersFactory } from './loaders/version.loaders.js';
import { VersionsModule } from '@/modules/versions/versions.module.js';
import { formatGraphQLError } from './format-graphql-error.js';
import { GraphQLSecurityModule } from './graphql-security.module.js';
import type { GraphQLContext } from './graphql-context.js';
import { hardeningRules, parseOptions } from './graphql-hardening.js';
import { applyPermissions } from './permissions/shield-permissions.js';
import { type WsContext, WsConnectionGuard } from './ws-connection-guard.js';

export const GRAPHQL_PATH = '/graphql';

/**
 * GraphQL over HTTP (Apollo) and over WebSocket (graphql-ws, same path), sharing one
 * context factory: every operation gets fresh DataLoaders and the caller's actor.
 * graphql-shield gates every field; the same limits apply on both transports.
 */
@Module({
  imports: [
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      imports: [FunctionsModule, VersionsModule, InvocationsModule, GraphQLSecurityModule],
      inject: [AppConfig, FunctionLoadersFactory, VersionLoadersFactory, InvocationLoadersFactory, WsConnectionGuard, GraphQLSchemaHost, PlatformMetrics, PlatformErrors],
      useFactory: (
        config: AppConfig,
        functionLoaders: FunctionLoadersFactory,
        versionLoaders: VersionLoadersFactory,
        invocationLoaders: InvocationLoadersFactory,
        wsGuard: WsConnectionGuard,
        schemaHost: GraphQLSchemaHost,
        metrics: PlatformMetrics,
        platformErrors: PlatformErrors,
      ): ApolloDriverConfig => {
        const loaders = () => ({ ...functionLoaders.create(), ...versionLoaders.create(), ...invocationLoaders.create() });
        const format = (formatted: GraphQLFormattedError, error: unknown) =>
          formatGraphQLError(formatted, error, !config.isProduction, config.isProduction, (original, where) =>
            platformErrors.report(original, { source: 'graphql', where }),
          );
        const guard = wsGuard.hooks(schemaHost, format);
        const wsMetrics = graphqlWsMetrics(metrics);
        return {
          path: GRAPHQL_PATH,
          autoSchemaFile: true,
          sortSchema: true,
          buildSchemaOptions: { dateScalarMode: 'isoDate' },
          transformSchema: applyPermissions,
          graphiql: config.graphiql,
          introspection: !config.isProduction,
          includeStacktraceInErrorResponses: false,
          allowBatchedHttpRequests: false,
          validationRules: hardeningRules(config),
          parseOptions: parseOptions(config),
          formatError: format,
          plugins: [graphqlMetricsPlugin(metrics)],
          context: (arg: { req?: Request } | WsContext): GraphQLContext => {
            if ('extra' in arg && arg.extra?.socket) {
              return {
                connectionParams: arg.connectionParams as Record<string, unknown> | undefined,
                actor: arg.extra.actor ?? { principal: ANONYMOUS, origin: NO_ORIGIN },
                loaders: loaders(),
              };
            }
            const req = (arg as { req?: Request }).req;
            return { req, actor: requestActor(req), loaders: loaders() };
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
      },
    }),
  ],
})
export class GraphQLApiModule {}
