import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { GraphQLFormattedError } from 'graphql';
import type { Request } from 'express';
import { AppConfig } from '@/config/app-config.js';
import { PlatformErrors } from '@/infrastructure/observability/errors/platform-errors.service.js';
import { graphqlMetricsPlugin } from '@/infrastructure/observability/metrics/graphql-metrics.plugin.js';
import { graphqlWsMetrics } from '@/infrastructure/observability/metrics/graphql-ws-metrics.js';
import { PlatformMetrics } from '@/infrastructure/observability/metrics/platform-metrics.js';
import { FunctionLoadersFactory } from '@/modules/functions/functions.loaders.js';
import { FunctionsModule } from '@/modules/functions/functions.module.js';
import { InvocationLoadersFactory } from '@/modules/invocations/invocations.loaders.js';
import { InvocationsModule } from '@/modules/invocations/invocations.module.js';
import { VersionLoadersFactory } from '@/modules/versions/versions.loaders.js';
import { VersionsModule } from '@/modules/versions/versions.module.js';
import { formatGraphQLError } from './format-graphql-error.js';
import type { GraphQLContext } from './graphql-context.js';

export const GRAPHQL_PATH = '/graphql';

/**
 * GraphQL over HTTP (Apollo) and over WebSocket (graphql-ws, same path), sharing one
 * context factory: every operation gets fresh DataLoaders.
 */
@Module({
  imports: [
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      imports: [FunctionsModule, VersionsModule, InvocationsModule],
      inject: [AppConfig, FunctionLoadersFactory, VersionLoadersFactory, InvocationLoadersFactory, PlatformMetrics, PlatformErrors],
      useFactory: (
        config: AppConfig,
        functionLoaders: FunctionLoadersFactory,
        versionLoaders: VersionLoadersFactory,
        invocationLoaders: InvocationLoadersFactory,
        metrics: PlatformMetrics,
        platformErrors: PlatformErrors,
      ): ApolloDriverConfig => {
        const loaders = () => ({ ...functionLoaders.create(), ...versionLoaders.create(), ...invocationLoaders.create() });
        const format = (formatted: GraphQLFormattedError, error: unknown) =>
          formatGraphQLError(formatted, error, !config.isProduction, (original, where) => platformErrors.report(original, { source: 'graphql', where }));
        const wsMetrics = graphqlWsMetrics(metrics);
        return {
          path: GRAPHQL_PATH,
          autoSchemaFile: true,
          sortSchema: true,
          buildSchemaOptions: { dateScalarMode: 'isoDate' },
          graphiql: config.graphiql,
          introspection: !config.isProduction,
          includeStacktraceInErrorResponses: false,
          formatError: format,
          plugins: [graphqlMetricsPlugin(metrics)],
          context: ({ req, connectionParams }: { req?: Request; connectionParams?: Record<string, unknown> }): GraphQLContext => ({
            req,
            connectionParams,
            loaders: loaders(),
          }),
          subscriptions: {
            'graphql-ws': {
              path: GRAPHQL_PATH,
              ...wsMetrics,
              // Apollo's formatError does not run for WebSocket operations: apply it here.
              onNext: (_ctx, _id, _payload, _args, result) =>
                result.errors ? { ...result, errors: result.errors.map((e) => format(e.toJSON(), e)) } : undefined,
            },
          },
        };
      },
    }),
  ],
})
export class GraphQLApiModule {}
