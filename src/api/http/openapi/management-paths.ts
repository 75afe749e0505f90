import { INVOCATION_STATUSES } from '@/modules/invocations/invocation.record.js';
import { CREDENTIAL_OPTIONAL, CREDENTIAL_REQUIRED, type JsonObject, jsonContent, ref, refusals } from './openapi-components.js';

const FUNCTION_ID = { name: 'functionId', in: 'path', required: true, description: 'The function’s id.', schema: { type: 'string' } };
const ALIAS_NAME = {
  name: 'name',
  in: 'path',
  required: true,
  description: 'The alias: lower-case letters, digits and dashes, starting with a letter.',
  schema: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,62}$' },
};

export interface ManagementPathsOptions {
  /** `GET /metrics` is served (FNGRAPH_METRICS). */
  metrics: boolean;
  /** The GraphQL endpoint's path. */
  graphqlPath: string;
}

/**
 * The management API's own routes (src/api/http: functions, invocations, health, metrics,
 * this document) and the GraphQL endpoint. A route added there is added here too; the
 * OpenAPI test requests every documented path and fails on a status this does not list.
 */
export function managementPaths(options: ManagementPathsOptions): JsonObject {
  return {
    '/openapi.json': {
      get: {
        operationId: 'getOpenApiDocument',
        summary: 'This document',
        description:
          'The management API and the endpoints of every function the caller may invoke or see: public functions for anyone, and with a credential those it owns, is listed in or may execute by role.',
        tags: ['Documentation'],
        security: CREDENTIAL_OPTIONAL,
        responses: { '200': { description: 'An OpenAPI 3.1 document.', content: jsonContent({ type: 'object' }) }, ...refusals('401', '429') },
      },
    },
    '/functions/register': {
      post: {
        operationId: 'registerFunction',
        summary: 'Register a function, or a new version of one',
        description:
          'Takes the function document (JSON, `code` is base64). A new name creates the function; an existing one (that the caller manages) gets a new immutable version. Needs the developer role. Dependencies install in the background: the version runs once its `buildStatus` is READY.',
        tags: ['Functions'],
        security: CREDENTIAL_REQUIRED,
        requestBody: { required: true, content: jsonContent(ref('schemas', 'RegistrationDocument')) },
        responses: {
          '201': { description: 'Registered.', content: jsonContent(ref('schemas', 'Registration')) },
          ...refusals('400', '401', '403', '408', '409', '413', '415', '429'),
        },
      },
    },
    '/functions/{functionId}/aliases': {
      get: {
        operationId: 'listAliases',
        summary: 'The aliases of a function, by name',
        description: 'For whoever may see the function (a deleted function’s aliases stay readable).',
        tags: ['Aliases'],
        security: CREDENTIAL_REQUIRED,
        parameters: [FUNCTION_ID],
        responses: {
          '200': { description: 'Its aliases.', content: jsonContent({ type: 'array', items: ref('schemas', 'Alias') }) },
          ...refusals('401', '404', '429'),
        },
      },
    },
    '/functions/{functionId}/aliases/{name}': {
      parameters: [FUNCTION_ID, ALIAS_NAME],
      get: {
        operationId: 'getAlias',
        summary: 'One alias of a function',
        tags: ['Aliases'],
        security: CREDENTIAL_REQUIRED,
        responses: { '200': { description: 'The alias.', content: jsonContent(ref('schemas', 'Alias')) }, ...refusals('401', '404', '429') },
      },
      put: {
        operationId: 'setAlias',
        summary: 'Create or replace an alias',
        description:
          'Whoever may manage the function. Takes effect on the next call, on every node; audited (`alias.set`). Same rules as GraphQL `setAlias`: one or two routes, integer weights summing to 100, versions that exist and did not fail their build; an optional shadow (0 < percent ≤ 100).',
        tags: ['Aliases'],
        security: CREDENTIAL_REQUIRED,
        requestBody: { required: true, content: jsonContent(ref('schemas', 'AliasInput')) },
        responses: {
          '200': { description: 'The alias as stored.', content: jsonContent(ref('schemas', 'Alias')) },
          ...refusals('400', '401', '403', '404', '408', '413', '415', '429'),
        },
      },
      delete: {
        operationId: 'deleteAlias',
        summary: 'Remove an alias',
        description: 'Whoever may manage the function; audited (`alias.delete`). Calls through it answer 404 from the next one.',
        tags: ['Aliases'],
        security: CREDENTIAL_REQUIRED,
        responses: { '204': { description: 'Removed.' }, ...refusals('400', '401', '403', '404', '429') },
      },
    },
    '/functions/{functionId}/replay': {
      post: {
        operationId: 'replayInvocations',
        summary: 'Run recorded invocations again on another version and compare',
        description:
          'Body `{ targetVersion, invocationIds?, filter?: { status?, since?, until? }, limit? }` (limit 1 to 100, default 20). Whoever may manage the function; audited (`invocations.replay`). Each replay is a new invocation (`trigger: REPLAY`, `comparedWith` the original); the report has one item per invocation (outcome IDENTICAL, DIFFERENT, FAILED or SKIPPED with a reason, the comparison of status, status code, body and headers, durations) and the totals. Same as GraphQL `replayInvocations`.',
        tags: ['Invocations'],
        security: CREDENTIAL_REQUIRED,
        parameters: [FUNCTION_ID],
        requestBody: {
          required: true,
          content: jsonContent({
            type: 'object',
            required: ['targetVersion'],
            properties: {
              targetVersion: { type: 'string' },
              invocationIds: { type: 'array', items: { type: 'string' }, maxItems: 100 },
              filter: {
                type: 'object',
                properties: {
                  status: { type: 'string', enum: [...INVOCATION_STATUSES] },
                  since: { type: 'string', format: 'date-time' },
                  until: { type: 'string', format: 'date-time' },
                },
              },
              limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
            },
          }),
        },
        responses: {
          '200': {
            description: 'The report: `items` (one per invocation, in the order given or newest first) and `totals` by outcome.',
            content: jsonContent({ type: 'object', required: ['functionId', 'targetVersion', 'items', 'totals'] }),
          },
          ...refusals('400', '401', '403', '404', '408', '413', '415', '429'),
        },
      },
    },
    '/invocations/{id}': {
      get: {
        operationId: 'getInvocation',
        summary: 'An invocation (where a 202 from a function endpoint points)',
        description: 'For its caller and for whoever may read the function’s invocations.',
        tags: ['Invocations'],
        security: CREDENTIAL_REQUIRED,
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'The invocation.', content: jsonContent(ref('schemas', 'Invocation')) }, ...refusals('401', '404', '429') },
      },
    },
    '/health/live': {
      get: {
        operationId: 'getLiveness',
        summary: 'Liveness: the process answers HTTP',
        tags: ['Health'],
        security: [],
        responses: {
          '200': {
            description: 'Alive.',
            content: jsonContent({
              type: 'object',
              required: ['status', 'node', 'uptimeSeconds'],
              properties: { status: { const: 'ok' }, node: { type: 'string' }, uptimeSeconds: { type: 'integer' } },
            }),
          },
        },
      },
    },
    '/health/ready': {
      get: {
        operationId: 'getReadiness',
        summary: 'Readiness: every dependency answers',
        tags: ['Health'],
        security: [],
        responses: {
          '200': { description: 'Ready.', content: jsonContent(readinessSchema) },
          '503': { description: 'Not ready; the report says which dependency failed.', content: jsonContent(readinessSchema) },
        },
      },
    },
    ...(options.metrics
      ? {
          '/metrics': {
            get: {
              operationId: 'getMetrics',
              summary: 'Prometheus metrics (administrators)',
              description: 'Scrapers without a credential use the separate listener of FNGRAPH_METRICS_PORT.',
              tags: ['Health'],
              security: CREDENTIAL_REQUIRED,
              responses: {
                '200': { description: 'Text exposition format.', content: { 'text/plain': { schema: { type: 'string' } } } },
                ...refusals('401', '403', '429'),
              },
            },
          },
        }
      : {}),
    [options.graphqlPath]: {
      post: {
        operationId: 'graphql',
        summary: 'The GraphQL API (the full management API; see docs/reference/graphql.md)',
        description: 'Subscriptions use graphql-ws on the same path (WebSocket).',
        tags: ['GraphQL'],
        security: CREDENTIAL_OPTIONAL,
        requestBody: {
          required: true,
          content: jsonContent({
            type: 'object',
            required: ['query'],
            properties: { query: { type: 'string' }, variables: { type: 'object' }, operationName: { type: 'string' } },
          }),
        },
        responses: {
          '200': {
            description: 'A GraphQL response: `data` and/or `errors` (each with `extensions.code`).',
            content: jsonContent({ type: 'object', properties: { data: { type: ['object', 'null'] }, errors: { type: 'array', items: { type: 'object' } } } }),
          },
          '400': {
            description: 'Not a GraphQL request (no query, malformed JSON, or a query that does not parse or validate).',
            content: jsonContent({ type: 'object' }),
          },
          ...refusals('401', '413', '415', '429'),
        },
      },
    },
  };
}

const readinessSchema = { type: 'object', required: ['ready'], properties: { ready: { type: 'boolean' } } };
