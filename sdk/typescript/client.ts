import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import { FngraphError, type FngraphErrorDetail, networkError, subscriptionError } from './errors.js';
import { type FunctionCallOptions, callFunction } from './function-calls.js';

export * from './generated/graphql.js';
export { FngraphError, type FngraphErrorDetail, type FngraphErrorOptions } from './errors.js';
export { FunctionCallError, type FunctionCallErrorDetail, type FunctionCallOptions } from './function-calls.js';

export interface FngraphClientOptions {
  /** The server's base URL, e.g. http://127.0.0.1:8080 (GraphQL is at /graphql). */
  url: string;
  /** An API key (`fng_…`) or a JWT; anonymous without one. */
  credential?: string;
  /**
   * The WebSocket class for subscriptions; by default the global one, or the `ws` package
   * where there is none (Node.js 20).
   */
  webSocketImpl?: unknown;
}

/** A running subscription: iterate it with `for await`; `return()` (or break) ends it on the server at once. */
export interface Subscription<Result> extends AsyncIterableIterator<Result, undefined, undefined> {
  return(): Promise<IteratorResult<Result, undefined>>;
}

type VariablesArgument<V> = Record<string, never> extends V ? [variables?: V] : [variables: V];

/**
 * A typed fngraph client: queries and mutations over HTTP, subscriptions over graphql-ws.
 * Every operation is a typed document from `generated/graphql.ts`, so results and
 * variables are checked against the schema at compile time. Every failure is a `FngraphError`.
 */
export class FngraphClient {
  private socket: Client | null = null;
  private readonly url: string;

  constructor(private readonly options: FngraphClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
  }

  /** Runs a query or mutation; resolves with its data or rejects with a `FngraphError`. */
  async request<Result, Variables extends Record<string, unknown>>(
    document: TypedDocumentNode<Result, Variables>,
    ...[variables]: VariablesArgument<Variables>
  ): Promise<Result> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.credential) headers.authorization = `Bearer ${this.options.credential}`;
    let response: Response;
    try {
      response = await fetch(`${this.url}/graphql`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query: print(document), variables: variables ?? {} }),
      });
    } catch (error) {
      throw networkError(this.url, error);
    }
    let body: { data?: Result | null; errors?: FngraphErrorDetail[] } | null;
    try {
      body = (await response.json()) as typeof body;
    } catch (error) {
      // Not a GraphQL server's answer (a proxy's error page), or the connection broke mid-body.
      throw new FngraphError([], response.status, {
        code: 'HTTP_ERROR',
        cause: error,
        message: `HTTP ${response.status} ${response.statusText} from ${this.url}/graphql`,
      });
    }
    if (body?.errors?.length) throw new FngraphError(body.errors, response.status);
    if (body?.data == null) throw new FngraphError([], response.status, { code: 'HTTP_ERROR', message: `HTTP ${response.status}: no data in the answer` });
    return body.data;
  }

  /**
   * Subscribes; iterate the result with `for await` and `return()` (or break) to stop.
   * A server error, a refused connection or a closed socket ends the iteration with a
   * `FngraphError` (`closeCode` set when the server closed the socket).
   *
   * `return()` ends the subscription on the server at once, even while waiting for an
   * event (an `async function*` would only end it when the next event arrived, so a quiet
   * subscription given up by its caller would stay open).
   */
  subscribe<Result, Variables extends Record<string, unknown>>(
    document: TypedDocumentNode<Result, Variables>,
    ...[variables]: VariablesArgument<Variables>
  ): Subscription<Result> {
    const opened = this.webSocket().then((socket) => socket.iterate<Result>({ query: print(document), variables: variables ?? {} }));
    // Nothing awaits `opened` until the first next(): keep its failure for that call.
    opened.catch(() => undefined);
    const finished = { done: true, value: undefined } as const;
    let ended = false;
    const end = async () => {
      ended = true;
      await (await opened.catch(() => null))?.return?.();
    };
    return {
      next: async () => {
        if (ended) return finished;
        let next: IteratorResult<{ data?: Result | null; errors?: readonly unknown[] }>;
        try {
          next = await (await opened).next();
        } catch (failure) {
          await end();
          throw subscriptionError(this.url, failure);
        }
        if (next.done || ended) {
          await end();
          return finished;
        }
        const result = next.value;
        if (result.errors?.length || result.data == null) {
          await end();
          throw new FngraphError((result.errors ?? []) as FngraphErrorDetail[]);
        }
        return { done: false, value: result.data };
      },
      return: async () => {
        await end();
        return finished;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /**
   * Calls a function over HTTP (`/fn/<name>`, JSON in and out) as an application would, with
   * this client's credential; the typed clients of `fngraph codegen` are built on it. A non-2xx
   * answer rejects with a `FunctionCallError` (the server's code, status and details).
   */
  callFunction(name: string, input?: unknown, options?: FunctionCallOptions): Promise<unknown> {
    return callFunction({ url: this.url, credential: this.options.credential }, name, input, options);
  }

  /** Closes the subscription connection, if one was opened. */
  async close(): Promise<void> {
    await this.socket?.dispose();
    this.socket = null;
  }

  private async webSocket(): Promise<Client> {
    if (this.socket) return this.socket;
    const webSocketImpl = this.options.webSocketImpl ?? (globalThis as { WebSocket?: unknown }).WebSocket ?? (await import('ws')).default;
    this.socket ??= createClient({
      url: `${this.url.replace(/^http/, 'ws')}/graphql`,
      connectionParams: this.options.credential ? { authorization: `Bearer ${this.options.credential}` } : {},
      webSocketImpl,
      lazy: true,
      retryAttempts: 0,
    });
    return this.socket;
  }
}
