import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { FngraphError } from '@fngraph/sdk';
import { useCallback, useEffect, useState } from 'react';
import { useQuery } from './hooks';
import { useSession } from './session';

/** The part of a Relay-style connection a list screen needs. */
export interface ConnectionPage<Node> {
  nodes: Node[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

export interface PagedQueryState<Node> {
  /** Every item loaded so far: the first page, then each page `loadMore` added. */
  items: Node[];
  error: FngraphError | Error | null;
  /** The first page is loading (or reloading). */
  loading: boolean;
  loadingMore: boolean;
  hasMore: boolean;
  loadMore(): void;
  /** Loads the first page again and drops the pages loaded after it. */
  reload(): void;
}

/**
 * A paged list query (`first`/`after`, newest first) shown as one growing list with a
 * "Load more" button: the first page through `useQuery` (re-run when the variables
 * change), the next ones appended on demand.
 */
export function usePagedQuery<Result, V extends { first?: number | null; after?: string | null }, Node>(
  document: TypedDocumentNode<Result, V>,
  variables: Omit<V, 'after'>,
  connection: (data: Result) => ConnectionPage<Node>,
): PagedQueryState<Node> {
  const { client, report } = useSession();
  const first = useQuery(document, { ...variables, after: null } as unknown as V);
  const [more, setMore] = useState<{ items: Node[]; pageInfo: ConnectionPage<Node>['pageInfo'] | null }>({ items: [], pageInfo: null });
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<Error | null>(null);

  // A new first page (other variables, or a reload) starts the list again.
  useEffect(() => {
    setMore({ items: [], pageInfo: null });
    setMoreError(null);
  }, [first.data]);

  const firstPage = first.data ? connection(first.data) : null;
  const pageInfo = more.pageInfo ?? firstPage?.pageInfo ?? null;

  const loadMore = useCallback(() => {
    if (!pageInfo?.hasNextPage || loadingMore) return;
    setLoadingMore(true);
    client.request(document, ...([{ ...variables, after: pageInfo.endCursor }] as never)).then(
      (data) => {
        const page = connection(data);
        setMore((previous) => ({ items: [...previous.items, ...page.nodes], pageInfo: page.pageInfo }));
        setMoreError(null);
        setLoadingMore(false);
      },
      (error: Error) => {
        report(error);
        setMoreError(error);
        setLoadingMore(false);
      },
    );
  }, [client, connection, document, loadingMore, pageInfo, report, variables]);

  return {
    items: [...(firstPage?.nodes ?? []), ...more.items],
    error: first.error ?? moreError,
    loading: first.loading,
    loadingMore,
    hasMore: pageInfo?.hasNextPage ?? false,
    loadMore,
    reload: first.reload,
  };
}
