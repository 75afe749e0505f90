import { CREDENTIAL_OPTIONAL, CREDENTIAL_REQUIRED, INVOCATION_ID_RESPONSE_HEADER, type JsonObject, jsonContent, ref, refusals } from './openapi-components.js';
import { type DeclaredSchemas, queryParametersOf } from './declared-schemas.js';

/** The methods a function endpoint answers (the gateway takes any; these are the ones worth a client). */
export const FUNCTION_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

/** The sub-path under `/fn/<name>[@<version>]` the platform answers itself (GET/HEAD), with the function's OpenAPI document. */
export const FUNCTION_DOCUMENT_PATH = '/openapi.json';

/** What a function's documented operations depend on. */
export interface FunctionOperationsInput {
  /** The function's name (for operation ids and summaries); null for the generic `/execute/{functionId}`. */
  name: string | null;
  description: string;
  /** Anyone may invoke it without credentials. */
  public: boolean;
  /** The version the document describes (the latest, or the pinned one). */
  version: string | null;
  schemas: DeclaredSchemas;
  /** Base URL of the function endpoints (`PublicUrls.functions()`), '' for paths on the API's origin. */
  functionsUrl: string;
}

const pathParameter = (name: string, description: string, example?: string): JsonObject => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
  ...(example !== undefined ? { example } : {}),
});

const SUB_PATH = pathParameter(
  'path',
  'The rest of the URL, handed to the function as `event.path` (percent-encoded slashes are decoded, so `a%2Fb` is `/a/b`).',
  'items/42',
);

const INVOCATION_HEADERS: JsonObject[] = [
  {
    name: 'Prefer',
    in: 'header',
    description: '`respond-async` queues the call and answers 202 at once (or `X-Fngraph-Invocation-Type: Event`, as Lambda says it).',
    schema: { type: 'string', examples: ['respond-async'] },
  },
  { name: 'X-Fngraph-Invocation-Type', in: 'header', schema: { type: 'string', enum: ['Event', 'RequestResponse'] } },
  {
    name: 'X-Fngraph-Routing-Key',
    in: 'header',
    description:
      'Sticky routing through an alias: calls with the same key run the same version while the alias’s weights stay (random by the weights without one).',
    schema: { type: 'string', maxLength: 256 },
  },
  {
    name: 'Idempotency-Key',
    in: 'header',
    description: 'Repeating a key (per caller and function) returns the first call’s invocation instead of running again.',
    schema: { type: 'string', maxLength: 200 },
  },
];

/**
 * The paths of one function's endpoints: `/fn/<name>`, its sub-paths, the same pinned to a
 * version, and its document. `null` name: the generic `/execute/{functionId}` routes.
 */
export function functionPaths(input: FunctionOperationsInput): JsonObject {
  const servers = input.functionsUrl === '' ? {} : { servers: [{ url: input.functionsUrl, description: 'The functions’ origin' }] };
  if (input.name === null) {
    const id = pathParameter('functionId', 'The function’s id.');
    return {
      '/execute/{functionId}': { ...servers, parameters: [id], ...operations(input, 'execute', 'root') },
      '/execute/{functionId}/{path}': { ...servers, parameters: [id, SUB_PATH], ...operations(input, 'execute', 'subPath') },
    };
  }
  const base = `/fn/${input.name}`;
  // One template for both: OpenAPI forbids two paths that differ only in a parameter's name.
  const version = pathParameter(
    'version',
    'A version of the function (semver), `latest` for the newest version, or the name of one of its aliases (`/fn/<name>@prod`: the alias’s weighted pick, sticky with `X-Fngraph-Routing-Key`). Without `@`: the alias `default` when the function has one, else the latest version.',
    input.version ?? undefined,
  );
  return {
    [base]: { ...servers, ...operations(input, 'latest', 'root') },
    [`${base}/{path}`]: { ...servers, parameters: [SUB_PATH], ...operations(input, 'latest', 'subPath') },
    [`${base}@{version}`]: { ...servers, parameters: [version], ...operations(input, 'pinned', 'root') },
    [`${base}@{version}/{path}`]: { ...servers, parameters: [version, SUB_PATH], ...operations(input, 'pinned', 'subPath') },
    [`${base}${FUNCTION_DOCUMENT_PATH}`]: { ...servers, get: documentOperation(input) },
  };
}

type Form = 'execute' | 'latest' | 'pinned';

function operations(input: FunctionOperationsInput, form: Form, where: 'root' | 'subPath'): JsonObject {
  return Object.fromEntries(FUNCTION_METHODS.map((method) => [method, operation(input, method, form, where)]));
}

function operation(input: FunctionOperationsInput, method: (typeof FUNCTION_METHODS)[number], form: Form, where: 'root' | 'subPath'): JsonObject {
  const subject = input.name ?? 'a function by id';
  const pinned = form === 'pinned' ? ' (pinned version)' : '';
  const takesBody = method !== 'get' && method !== 'head' && method !== 'options';
  const operationId = input.name === null ? `execute_${where}_${method}` : `fn_${input.name}_${form}_${where}_${method}`.replace(/[^A-Za-z0-9_]/g, '_');
  return {
    operationId,
    summary: `${method.toUpperCase()} ${subject}${pinned}${where === 'subPath' ? ', a sub-path' : ''}`,
    description: [
      input.name === null ? 'Invokes the function with this id.' : input.description || `Invokes ${input.name}.`,
      'The request becomes the event `{ method, path, headers, query, body, isBase64Encoded }` (or the one its `eventFormat` makes: a Web `Request`, Express `req`, an API Gateway event); a result `{ statusCode, headers, body }` (or a Web `Response`) is the response, a string is sent as text, anything else as JSON with 200; generators and still-growing bodies are streamed.',
    ].join('\n\n'),
    tags: [input.name === null ? 'Function endpoints' : `Function ${input.name}`],
    security: input.public ? CREDENTIAL_OPTIONAL : CREDENTIAL_REQUIRED,
    parameters: [...INVOCATION_HEADERS, ...queryParametersOf(input.schemas)],
    ...(takesBody
      ? { requestBody: { required: false, content: { [input.schemas.request ? 'application/json' : '*/*']: { schema: input.schemas.request ?? {} } } } }
      : {}),
    responses: {
      '200': {
        description:
          'The function’s result: text for a string, JSON, or the response it returned as `{ statusCode, headers, body }` (then any status), possibly streamed.',
        headers: INVOCATION_ID_RESPONSE_HEADER,
        content: { [input.schemas.response ? 'application/json' : '*/*']: { schema: input.schemas.response ?? {} } },
      },
      '202': {
        description: 'Queued (`Prefer: respond-async`).',
        headers: {
          ...INVOCATION_ID_RESPONSE_HEADER,
          Location: { description: 'Where to follow the invocation (`/invocations/{id}`).', schema: { type: 'string' } },
        },
        content: jsonContent(ref('schemas', 'InvocationAccepted')),
      },
      ...refusals('400', '401', '403', '404', '408', '409', '413', '429', '503'),
      '502': {
        description: 'The function failed, ran out of memory or returned an invalid response (or one its output schema refuses: OUTPUT_CONTRACT_VIOLATION).',
        content: jsonContent(ref('schemas', 'FunctionFailure')),
      },
      '504': { description: 'The function ran past its timeout.', content: jsonContent(ref('schemas', 'FunctionFailure')) },
      default: { description: 'The status the function chose (`{ statusCode, headers, body }`).', content: { '*/*': { schema: {} } } },
    },
  };
}

function documentOperation(input: FunctionOperationsInput): JsonObject {
  return {
    operationId: `fn_${input.name}_openapi`.replace(/[^A-Za-z0-9_]/g, '_'),
    summary: `The OpenAPI document of ${input.name}`,
    description:
      'Answered by the platform, not the function, for GET and HEAD (also as `/fn/<name>@<version>/openapi.json`); it needs the same credentials as invoking the function. A function that serves its own `/openapi.json` is reached there through `/execute/<id>/openapi.json`.',
    tags: [`Function ${input.name}`],
    security: input.public ? CREDENTIAL_OPTIONAL : CREDENTIAL_REQUIRED,
    responses: {
      '200': { description: 'An OpenAPI 3.1 document of this function’s endpoints.', content: jsonContent({ type: 'object' }) },
      ...refusals('401', '403', '404', '429'),
    },
  };
}
