import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { type Client, createClient } from 'graphql-ws';

export * from './generated/graphql.js';

export interface FngraphClientOptions {
  /** The server's base URL, e.g. http://127.0.0.1:8080 (GraphQL is at /graphql). */
  url: string;
  /** An API key (`fng_…`) or a JWT; anonymous without one. */
  credential?: string;
  /** The WebSocket class for subscriptions where there is no global one (Node 20: the `ws` package). */
  webSocketImpl?: unknown;
}

/** One GraphQL error as the server formats it: `code` is `extensions.code`. */
export interface FngraphErrorDetail {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/** A request the server answered with errors; `code` is the first error's code (NOT_FOUND, THROTTLED, …). */
export class FngraphError extends Error {
  readonly code: string | undefined;

  constructor(
    readonly errors: readonly FngraphErrorDetail[],
    readonly httpStatus?: number,
  ) {
    super(errors.map((error) => error.message).join('; ') || `HTTP ${httpStatus}`);
    this.name = 'FngraphError';
    this.code = errors[0]?.extensions?.code;
  }
}

type VariablesArgument<V> = Record<string, never> extends V ? [variables?: V] : [variables: V];

/**
 * A typed fngraph client: queries and mutations over HTTP, subscriptions over graphql-ws.
 * Every operation is a typed document from `generated/graphql.ts`, so results and
 * variables are checked against the schema at compile time.
 */
export class FngraphClient {
  private socket: Client | null = null;

  constructor(private readonly options: FngraphClientOptions) {}

  /** Runs a query or mutation; resolves with its data or rejects with a `FngraphError`. */
  async request<Result, Variables extends Record<string, unknown>>(
    document: TypedDocumentNode<Result, Variables>,
    ...[variables]: VariablesArgument<Variables>
  ): Promise<Result> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.credential) headers.authorization = `Bearer ${this.options.credential}`;
    const response = await fetch(`${this.options.url}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: print(document), variables: variables ?? {} }),
    });
    const body = (await response.json().catch(() => null)) as { data?: Result | null; errors?: FngraphErrorDetail[] } | null;
    if (!body) throw new FngraphError([], response.status);
    if (body.errors?.length || body.data == null) throw new FngraphError(body.errors ?? [], response.status);
    return body.data;
  }

  /**
   * Subscribes; iterate the result with `for await` and `return()` (or break) to stop.
   * A server error ends the iteration with a `FngraphError`.
   */
  async *subscribe<Result, Variables extends Record<string, unknown>>(
    document: TypedDocumentNode<Result, Variables>,
    ...[variables]: VariablesArgument<Variables>
  ): AsyncGenerator<Result, void, undefined> {
    const results = this.webSocket().iterate<Result>({ query: print(document), variables: variables ?? {} });
    try {
      for await (const result of results) {
        if (result.errors?.length || result.data == null) throw new FngraphError((result.errors ?? []) as FngraphErrorDetail[]);
        yield result.data;
      }
    } finally {
      await results.return?.();
    }
  }

  /** Closes the subscription connection, if one was opened. */
  async close(): Promise<void> {
    await this.socket?.dispose();
    this.socket = null;
  }

  private webSocket(): Client {
    this.socket ??= createClient({
      url: `${this.options.url.replace(/^http/, 'ws')}/graphql`,
      connectionParams: this.options.credential ? { authorization: `Bearer ${this.options.credential}` } : {},
      webSocketImpl: this.options.webSocketImpl,
      lazy: true,
      retryAttempts: 0,
    });
    return this.socket;
  }
}
