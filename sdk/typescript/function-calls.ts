import { FngraphError, networkError } from './errors.js';

/** How one call of a function over HTTP is sent (the typed clients of `fngraph codegen` take these). */
export interface FunctionCallOptions {
  /** A version (`1.2.0`) or an alias (`prod`): calls `/fn/<name>@<target>`; default: what `/fn/<name>` runs. */
  target?: string;
  /** Sent as `x-fngraph-routing-key`: the same key lands on the same route of a weighted alias. */
  routingKey?: string;
  /** Query parameters; arrays repeat the parameter. */
  query?: { [name: string]: string | number | boolean | readonly (string | number | boolean)[] | undefined };
  /** More request headers (the credential and content type are set already). */
  headers?: Record<string, string>;
  /** HTTP method (default POST). */
  method?: string;
  signal?: AbortSignal;
}

/** One problem the server reported with a refused call, e.g. `{ field: 'body/width', message: 'must be integer' }`. */
export interface FunctionCallErrorDetail {
  field?: string;
  message: string;
  [key: string]: unknown;
}

/**
 * A function call that did not answer 2xx: `code` is the server's (`BAD_USER_INPUT`,
 * `FUNCTION_FAILED`, `NOT_FOUND`, …; `HTTP_ERROR` when the body had none), `httpStatus` its
 * status, `details` its details (e.g. the schema errors of a refused input), `body` the
 * parsed body as received.
 */
export class FunctionCallError extends FngraphError {
  constructor(
    readonly functionName: string,
    httpStatus: number,
    code: string,
    message: string,
    readonly details: readonly FunctionCallErrorDetail[],
    readonly body: unknown,
  ) {
    super([{ message, extensions: { code, details } }], httpStatus, { code });
    this.name = 'FunctionCallError';
  }
}

interface ConnectionLike {
  url: string;
  credential?: string;
}

function queryString(query: FunctionCallOptions['query']): string {
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) parameters.append(name, String(item));
  }
  const text = parameters.toString();
  return text ? `?${text}` : '';
}

async function answerOf(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  if (/[/+]json\b/i.test(response.headers.get('content-type') ?? '')) {
    try {
      return JSON.parse(text);
    } catch {
      // Labelled JSON but is not: hand over the text rather than lose it.
    }
  }
  return text;
}

/**
 * Calls `/fn/<name>` with `input` as a JSON body (no body when it is undefined) and resolves
 * with the answer: parsed when it is JSON, else its text. Rejects with a `FunctionCallError`
 * for an answer that is not 2xx and a `FngraphError` (`NETWORK_ERROR`) when the server
 * cannot be reached.
 */
export async function callFunction(connection: ConnectionLike, name: string, input: unknown, options: FunctionCallOptions = {}): Promise<unknown> {
  const base = connection.url.replace(/\/+$/, '');
  const path = `/fn/${encodeURIComponent(name)}${options.target ? `@${encodeURIComponent(options.target)}` : ''}${queryString(options.query)}`;
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (connection.credential) headers.authorization = `Bearer ${connection.credential}`;
  if (options.routingKey) headers['x-fngraph-routing-key'] = options.routingKey;
  if (input !== undefined) headers['content-type'] = 'application/json';
  const method = (options.method ?? 'POST').toUpperCase();
  // fetch would refuse it, and that refusal would look like a network error.
  if (input !== undefined && (method === 'GET' || method === 'HEAD'))
    throw new FngraphError([], undefined, { code: 'BAD_REQUEST', message: `A ${method} call of ${name} cannot carry an input: pass it in options.query` });
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      headers,
      body: input === undefined ? undefined : JSON.stringify(input),
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw networkError(base, error);
  }
  const answer = await answerOf(response);
  if (response.ok) return answer;
  const error = (answer as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  throw new FunctionCallError(
    name,
    response.status,
    typeof error?.code === 'string' ? error.code : 'HTTP_ERROR',
    typeof error?.message === 'string' ? error.message : `HTTP ${response.status} ${response.statusText} from ${path}`,
    Array.isArray(error?.details) ? (error.details as FunctionCallErrorDetail[]) : [],
    answer,
  );
}
