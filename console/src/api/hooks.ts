import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { FngraphError, type Subscription } from '@fngraph/sdk';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useSession } from './session';

type Variables = Record<string, unknown>;

export interface QueryState<Result> {
  data: Result | null;
  error: FngraphError | Error | null;
  loading: boolean;
  /** Runs the query again (keeps showing the last data meanwhile). */
  reload(): void;
}

/** A query run on mount and whenever its variables change (compared by value). */
export function useQuery<Result, V extends Variables>(
  document: TypedDocumentNode<Result, V>,
  variables: V,
  options: { skip?: boolean } = {},
): QueryState<Result> {
  const { client, report } = useSession();
  const [state, setState] = useState<{ data: Result | null; error: Error | null; loading: boolean }>({ data: null, error: null, loading: !options.skip });
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (options.skip) return;
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    client.request(document, ...([JSON.parse(key) as V] as never)).then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error: Error) => {
        report(error);
        if (current) setState((previous) => ({ data: previous.data, error, loading: false }));
      },
    );
    return () => {
      current = false;
    };
  }, [client, document, key, generation, options.skip, report]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { ...state, reload };
}

export interface MutationState<Result, V> {
  run(variables: V): Promise<Result>;
  running: boolean;
  error: FngraphError | Error | null;
  reset(): void;
}

/** A mutation run on demand: `run` resolves with the data or rejects (the error is kept in `error` too). */
export function useMutation<Result, V extends Variables>(document: TypedDocumentNode<Result, V>): MutationState<Result, V> {
  const { client, report } = useSession();
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const run = useCallback(
    async (variables: V) => {
      setRunning(true);
      setError(null);
      try {
        return await client.request(document, ...([variables] as never));
      } catch (failure) {
        report(failure);
        setError(failure as Error);
        throw failure;
      } finally {
        setRunning(false);
      }
    },
    [client, document, report],
  );
  return { run, running, error, reset: useCallback(() => setError(null), []) };
}

/** Failures worth another attempt: the connection, not the request. */
function isTransient(error: unknown): boolean {
  return error instanceof FngraphError && (error.code === 'NETWORK_ERROR' || error.code === 'CONNECTION_CLOSED' || error.code === 'THROTTLED');
}

export interface SubscriptionState {
  /** Set while the subscription is open (or being reopened). */
  active: boolean;
  /** The last failure; transient ones are retried with backoff and cleared on the next event. */
  error: Error | null;
}

/**
 * A subscription kept open while mounted: `onData` gets each event. A dropped connection
 * is reopened with backoff (`variablesOnRetry` may move a resume point such as `fromSeq`);
 * an error the server means (FORBIDDEN, NOT_FOUND) ends it; a revoked key signs out.
 */
export function useSubscription<Result, V extends Variables>(
  document: TypedDocumentNode<Result, V>,
  variables: V,
  onData: (data: Result) => void,
  options: { skip?: boolean; variablesOnRetry?: () => Partial<V> } = {},
): SubscriptionState {
  const { client, report } = useSession();
  const [state, setState] = useState<SubscriptionState>({ active: false, error: null });
  const handlers = useRef({ onData, variablesOnRetry: options.variablesOnRetry });
  handlers.current = { onData, variablesOnRetry: options.variablesOnRetry };
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (options.skip) return;
    let stopped = false;
    let iterator: Subscription<Result> | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const open = async (attempt: number) => {
      const retryVariables = attempt > 0 ? (handlers.current.variablesOnRetry?.() ?? {}) : {};
      iterator = client.subscribe(document, ...([{ ...(JSON.parse(key) as V), ...retryVariables }] as never));
      setState({ active: true, error: null });
      try {
        for await (const data of iterator) {
          if (stopped) return;
          attempt = 0;
          setState((previous) => (previous.error ? { active: true, error: null } : previous));
          handlers.current.onData(data);
        }
        if (!stopped) setState({ active: false, error: null });
      } catch (error) {
        if (stopped) return;
        report(error);
        if (isTransient(error)) {
          setState({ active: true, error: error as Error });
          timer = setTimeout(() => void open(attempt + 1), Math.min(10_000, 500 * 2 ** attempt));
        } else {
          setState({ active: false, error: error as Error });
        }
      }
    };
    void open(0);
    return () => {
      stopped = true;
      clearTimeout(timer);
      void iterator?.return();
    };
  }, [client, document, key, options.skip, report]);
  return state;
}
