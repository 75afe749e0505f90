import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { adminKeyFor, type As, authHeaders } from './credentials.js';

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: { code?: string; details?: Array<{ field?: string; message: string }> } }>;
}

/** One GraphQL operation over HTTP. */
export async function graphql<T = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  as?: As,
): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authHeaders(url, as) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponse<T>;
}

/** Like `graphql`, but fails the test on any error and returns `data`. */
export async function graphqlData<T = Record<string, any>>(url: string, query: string, variables: Record<string, unknown> = {}, as?: As): Promise<T> {
  const result = await graphql<T>(url, query, variables, as);
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data as T;
}

/** A graphql-ws client; it authenticates with the server's admin key unless `connectionParams` carry credentials or `as` says otherwise. */
export function wsClient(url: string, connectionParams: Record<string, unknown> = {}, as?: As): Client {
  const token = as === undefined ? adminKeyFor(url) : as;
  const params =
    'authorization' in connectionParams || 'apiKey' in connectionParams || !token
      ? connectionParams
      : { ...connectionParams, authorization: `Bearer ${token}` };
  return createClient({ url: `${url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: params, retryAttempts: 0, lazy: true });
}

/** Collects every `next` payload of a subscription until it completes or errors. */
export function subscribe<T>(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  onNext: (data: T) => void = () => undefined,
): { done: Promise<T[]>; received: T[] } {
  const received: T[] = [];
  const done = new Promise<T[]>((resolve, reject) => {
    client.subscribe<T>(
      { query, variables },
      {
        next: (message) => {
          if (message.errors) reject(new Error(JSON.stringify(message.errors)));
          else {
            received.push(message.data as T);
            onNext(message.data as T);
          }
        },
        error: (error) => reject(toError(error)),
        complete: () => resolve(received),
      },
    );
  });
  return { done, received };
}

/** graphql-ws reports errors as GraphQL error lists, Errors, or the socket's CloseEvent. */
function toError(error: unknown): Error {
  if (error instanceof Error) return error;
  const close = error as { code?: unknown; reason?: unknown };
  if (typeof close?.code === 'number') return Object.assign(new Error(`closed ${close.code}: ${String(close.reason)}`), { code: close.code });
  return new Error(JSON.stringify(error));
}
