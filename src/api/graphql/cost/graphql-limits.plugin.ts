import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { GraphQLLimits } from './graphql-limits.js';

/**
 * GraphQL over HTTP: refuses an operation whose cost is over the limit once its variables
 * are known (validation rules see no variables, and Apollo caches their verdict per
 * document), and replaces a result larger than allowed by a `RESPONSE_TOO_LARGE` error.
 */
export function graphqlLimitsPlugin(limits: GraphQLLimits): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, request }) {
          const error = limits.costError(schema, { document, operationName, variables: request.variables });
          if (error) throw error;
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const error = limits.oversizeError(response.body.singleResult);
          if (error) response.body.singleResult = { errors: [error] };
        },
      };
    },
  };
}
