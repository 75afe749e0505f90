import { ErrorCode } from '@/kernel/errors/error-code.js';
import { INVOCATION_STATUSES, INVOCATION_TRIGGERS } from '@/modules/invocations/invocation.record.js';
import { CODE_FORMATS } from '@/modules/runtimes/code/code-format.js';
import { BUILD_STATUSES } from '@/modules/versions/version.record.js';
import { ALIAS_HEADER, INVOCATION_ID_HEADER, VERSION_HEADER } from '@/api/http/gateway/http-response.js';

/** A JSON value as an OpenAPI document holds it (schemas, operations, responses). */
export type JsonObject = Record<string, unknown>;

/** The REST API's revision (`info.version`), not the server's release: it changes when a route or body changes. */
export const REST_API_REVISION = '1';

/** A response or schema defined once under `components`, by name. */
export const ref = (kind: 'schemas' | 'responses' | 'parameters' | 'headers', name: string): JsonObject => ({ $ref: `#/components/${kind}/${name}` });

/** Every operation that needs a credential: an API key or JWT as a bearer token, or an API key in `X-API-Key`. */
export const CREDENTIAL_REQUIRED = [{ bearerAuth: [] }, { apiKeyHeader: [] }];

/** Operations open to anonymous callers that treat a credential, when sent, as the caller (`{}` = none). */
export const CREDENTIAL_OPTIONAL = [{}, ...CREDENTIAL_REQUIRED];

/** Statuses any platform refusal may have, and why (the body is always `Error`). */
const REFUSALS: Record<string, string> = {
  '400': 'The request is invalid (see `error.details`).',
  '401': 'The credential sent is invalid, expired or revoked, or the operation needs one. Credentials are never downgraded to anonymous.',
  '403': 'The caller is known but may not do this.',
  '404': 'Not found, or not visible to this caller (the two are indistinguishable on purpose).',
  '408': 'The request body did not arrive in time (FNGRAPH_BODY_TIMEOUT_MS).',
  '409': 'Conflict with the current state (e.g. a name taken, a version still building).',
  '413': 'The request body is larger than FNGRAPH_MAX_BODY_BYTES.',
  '415': 'The request body is not of a type this route takes (JSON).',
  '429': 'Rate limit, quota or concurrency limit reached; retry after `Retry-After` seconds.',
  '503': 'The server is draining or a dependency is down; retry later.',
};

/** The platform refusals of an operation, as `$ref`s to the shared responses. */
export function refusals(...statuses: Array<keyof typeof REFUSALS & string>): JsonObject {
  return Object.fromEntries(statuses.map((status) => [status, ref('responses', `Error${status}`)]));
}

export function jsonContent(schema: JsonObject): JsonObject {
  return { 'application/json': { schema } };
}

/**
 * `components` shared by the management document and the functions' documents: credentials,
 * the error body of every refusal, and the bodies of the invocation routes.
 */
export function sharedComponents(registrationSchema: JsonObject): JsonObject {
  return {
    securitySchemes: {
      bearerAuth: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'API key (fng_…) or JWT',
        description:
          '`Authorization: Bearer <token>`: an API key (`createApiKey`, FNGRAPH_BOOTSTRAP_ADMIN_KEY) or, where JWTs are configured (FNGRAPH_JWT_*), a JWT of the configured issuer and audience.',
      },
      apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key, instead of `Authorization`. Send one credential, not both.' },
    },
    schemas: {
      Error: {
        type: 'object',
        description: 'Every refusal of the platform (REST and function endpoints alike).',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: {
              code: { type: 'string', enum: Object.values(ErrorCode) },
              message: { type: 'string' },
              details: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['message'],
                  properties: { field: { type: 'string', description: 'Dotted path of the input field.' }, message: { type: 'string' } },
                },
              },
            },
          },
        },
      },
      FunctionFailure: {
        type: 'object',
        description:
          "The function ran and failed (threw, timed out, ran out of memory, returned an invalid response or one its version's output schema refuses, or was dead-lettered).",
        required: ['error', 'invocationId'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: {
              code: {
                type: 'string',
                examples: ['FUNCTION_FAILED', 'FUNCTION_TIMED_OUT', 'FUNCTION_OOM_KILLED', 'FUNCTION_BAD_RESPONSE', 'OUTPUT_CONTRACT_VIOLATION'],
              },
              type: { type: 'string', description: 'The error class the function threw (e.g. `TypeError`).' },
              message: { type: 'string' },
            },
          },
          invocationId: { type: 'string' },
        },
      },
      InvocationAccepted: {
        type: 'object',
        description: 'A queued invocation (`Prefer: respond-async`): follow it at `Location` (`GET /invocations/{id}`).',
        required: ['invocationId', 'status'],
        properties: { invocationId: { type: 'string' }, status: { type: 'string', enum: ['QUEUED', 'RUNNING'] } },
      },
      Invocation: {
        type: 'object',
        required: ['id', 'functionId', 'functionName', 'version', 'trigger', 'status', 'attempt', 'queuedAt'],
        properties: {
          id: { type: 'string' },
          functionId: { type: 'string' },
          functionName: { type: 'string' },
          version: { type: 'string' },
          alias: { type: ['string', 'null'], description: 'The alias that chose the version; null when called by version or latest.' },
          trigger: { type: 'string', enum: [...INVOCATION_TRIGGERS] },
          status: { type: 'string', enum: [...INVOCATION_STATUSES] },
          attempt: { type: 'integer', minimum: 1 },
          response: { description: 'The function’s result (JSON); null until it succeeds, or when too large to keep (`responseTruncated`).' },
          responseTruncated: { type: 'boolean' },
          error: {
            type: ['object', 'null'],
            properties: {
              type: { type: 'string' },
              message: { type: 'string' },
              stack: { type: 'string', description: 'Only for those who may read the code.' },
            },
          },
          durationMs: { type: ['number', 'null'] },
          queuedAt: { type: 'string', format: 'date-time' },
          startedAt: { type: ['string', 'null'], format: 'date-time' },
          finishedAt: { type: ['string', 'null'], format: 'date-time' },
          traceId: { type: ['string', 'null'] },
          nodeId: { type: ['string', 'null'] },
          comparedWith: { type: ['string', 'null'], description: 'SHADOW and REPLAY invocations: the invocation whose request they ran again.' },
        },
      },
      Alias: {
        type: 'object',
        description: 'A named pointer of a function to one version, or to two with weights (GraphQL `FunctionAlias`).',
        required: ['functionId', 'name', 'routes', 'shadow', 'createdAt', 'updatedAt', 'updatedBy'],
        properties: {
          functionId: { type: 'string' },
          name: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,62}$' },
          routes: { type: 'array', minItems: 1, maxItems: 2, items: ref('schemas', 'AliasRoute') },
          shadow: { oneOf: [ref('schemas', 'AliasShadow'), { type: 'null' }] },
          createdAt: { type: 'string', format: 'date-time' },
          updatedAt: { type: 'string', format: 'date-time' },
          updatedBy: { type: ['string', 'null'] },
        },
      },
      AliasRoute: {
        type: 'object',
        required: ['version', 'weight'],
        properties: { version: { type: 'string' }, weight: { type: 'integer', minimum: 0, maximum: 100, description: 'Percent; the routes sum to 100.' } },
      },
      AliasShadow: {
        type: 'object',
        required: ['version', 'percent'],
        properties: { version: { type: 'string' }, percent: { type: 'number', exclusiveMinimum: 0, maximum: 100 } },
      },
      AliasInput: {
        type: 'object',
        description: 'The whole alias: routes (one or two, weights summing to 100, versions that exist and did not fail their build) and an optional shadow.',
        required: ['routes'],
        additionalProperties: false,
        properties: {
          routes: { type: 'array', minItems: 1, maxItems: 2, items: ref('schemas', 'AliasRoute') },
          shadow: { oneOf: [ref('schemas', 'AliasShadow'), { type: 'null' }] },
        },
      },
      RegistrationDocument: registrationSchema,
      Registration: registrationResponseSchema(),
    },
    responses: Object.fromEntries(
      Object.entries(REFUSALS).map(([status, description]) => [
        `Error${status}`,
        {
          description,
          content: jsonContent(ref('schemas', 'Error')),
          ...(status === '429' || status === '503' ? { headers: { 'Retry-After': retryAfter } } : {}),
        },
      ]),
    ),
    headers: {
      InvocationId: {
        description: 'The invocation that answered (read it with `GET /invocations/{id}` or GraphQL `invocation(id)`).',
        schema: { type: 'string' },
      },
      Version: {
        description: 'The version that ran the call: the pinned one, the one an alias chose, or the latest.',
        schema: { type: 'string' },
      },
      Alias: {
        description: 'The alias that routed the call (`/fn/<name>@<alias>`, or the `default` alias followed by `/fn/<name>`); absent otherwise.',
        schema: { type: 'string' },
      },
    },
  };
}

const retryAfter = { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } };

/** The response header naming the invocation, on every answer of a function endpoint. */
export const INVOCATION_ID_RESPONSE_HEADER = {
  [INVOCATION_ID_HEADER]: ref('headers', 'InvocationId'),
  [VERSION_HEADER]: ref('headers', 'Version'),
  [ALIAS_HEADER]: ref('headers', 'Alias'),
};

/** `RegistrationResponse` (src/api/http/functions/registration.response.ts) as a schema. */
function registrationResponseSchema(): JsonObject {
  const string = { type: 'string' };
  const nullableString = { type: ['string', 'null'] };
  return {
    type: 'object',
    description: 'The stored document (without its code) and the URLs the function answers on.',
    required: ['id', 'name', 'version', 'versionId', 'codeHash', 'buildStatus', 'metadata', 'executionConfig', 'endpoints'],
    properties: {
      id: string,
      name: string,
      description: string,
      language: string,
      runtime: string,
      version: string,
      versionId: string,
      codeHash: { type: 'string', description: 'sha256 of the code (the source, or the archive), hex.' },
      codeFormat: { type: 'string', enum: [...CODE_FORMATS], description: 'How the code is packed.' },
      handler: { type: ['string', 'null'], description: "The entry point registered; null: the language's default." },
      buildStatus: {
        type: 'string',
        enum: [...BUILD_STATUSES],
        description: 'BUILDING while dependencies install; the version runs once READY; FAILED when they do not install or it does not load (see buildLog).',
      },
      buildLog: { type: 'string', description: 'Dependency install output, and why a FAILED version does not load.' },
      metadata: {
        type: 'object',
        properties: {
          createdAt: { type: 'string', format: 'date-time' },
          updatedAt: { type: 'string', format: 'date-time' },
          author: nullableString,
          tags: { type: 'array', items: string },
          dependencies: { type: 'object', additionalProperties: string },
          permissions: {
            type: 'object',
            properties: { public: { type: 'boolean' }, allowedUsers: { type: 'array', items: string }, executionRoles: { type: 'array', items: string } },
          },
        },
      },
      executionConfig: {
        type: 'object',
        properties: {
          timeout: { type: 'integer', description: 'Seconds.' },
          memoryLimit: { type: 'integer', description: 'Megabytes.' },
          minInstances: { type: 'integer' },
          maxInstances: { type: ['integer', 'null'] },
          concurrency: {
            type: 'integer',
            minimum: 1,
            maximum: 1000,
            description: 'Invocations one sandbox serves at once (README, "Concurrency inside a sandbox").',
          },
          retry: { type: 'object', properties: { attempts: { type: 'integer' }, backoffSeconds: { type: 'integer' } } },
          maxEventAgeSeconds: { type: ['integer', 'null'] },
          destinations: { type: 'object', properties: { onSuccess: nullableString, onFailure: nullableString } },
          eventFormat: { type: 'string', description: 'How the handler is called and its result read (README, "Functions").' },
          network: {
            type: 'object',
            description: 'Outbound network access: off unless enabled, then only to the allow-list entries.',
            properties: { enabled: { type: 'boolean' }, allow: { type: 'array', items: string } },
          },
          environmentVariableNames: { type: 'array', items: string },
          environmentVariables: {
            type: 'array',
            items: {
              type: 'object',
              properties: { name: string, secret: { type: 'boolean' }, value: { ...nullableString, description: 'null for secrets.' } },
            },
          },
        },
      },
      schedules: { type: 'array', items: { type: 'object' } },
      contract: {
        type: ['object', 'null'],
        description: 'The declared JSON Schemas (input, query, output) and outputMode; null: none.',
        properties: {
          input: { type: 'object' },
          query: { type: 'object' },
          output: { type: 'object' },
          outputMode: { type: 'string', enum: ['flag', 'refuse'] },
        },
      },
      endpoints: {
        type: 'object',
        properties: {
          execute: { ...string, description: 'Any method, by id.' },
          http: { ...string, description: 'Any method, by name (the latest version).' },
          httpPinned: { ...string, description: 'Any method, pinned to this version.' },
        },
      },
    },
  };
}
