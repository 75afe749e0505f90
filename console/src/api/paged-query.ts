import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { FngraphError } from '@fngraph/sdk';
import { useCallback, useState } from 'react';
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

/** The pages "Load more" added to one list (one `generation`). */
interface LaterPages<Node> {
  generation: number;
  items: Node[];
  pageInfo: ConnectionPage<Node>['pageInfo'] | null;
  loading: boolean;
  error: Error | null;
}

const NO_LATER_PAGES: LaterPages<never> = { generation: -1, items: [], pageInfo: null, loading: false, error: null };

/**
 * A paged list query (`first`/`after`, newest first) shown as one growing list with a
 * "Load more" button: the first page through `useQuery` (re-run when the variables
 * change), the next ones appended on demand.
 *
 * Other variables, or a reload, start a new generation of the list: the pages loaded for
 * the last one are dropped in that very render, and a "Load more" answer that arrives for
 * an older generation is ignored (it would append another list's page).
 */
export function usePagedQuery<Result, V extends { first?: number | null; after?: string | null }, Node>(
  document: TypedDocumentNode<Result, V>,
  variables: Omit<V, 'after'>,
  connection: (data: Result) => ConnectionPage<Node>,
): PagedQueryState<Node> {
  const { client, report } = useSession();
  const first = useQuery(document, { ...variables, after: null } as unknown as V);
  const key = JSON.stringify(variables);
  const [list, setList] = useState({ key, generation: 0 });
  if (list.key !== key) setList({ key, generation: list.generation + 1 }); // state derived while rendering
  const generation = list.key === key ? list.generation : list.generation + 1;

  const [stored, setStored] = useState<LaterPages<Node>>(NO_LATER_PAGES);
  const later = stored.generation === generation ? stored : NO_LATER_PAGES;
  const firstPage = first.data ? connection(first.data) : null;
  const pageInfo = later.pageInfo ?? firstPage?.pageInfo ?? null;

  const loadMore = useCallback(() => {
    // While the first page (re)loads, its cursor is not this list's yet.
    if (!pageInfo?.hasNextPage || later.loading || first.loading) return;
    const ours = (pages: LaterPages<Node>) => pages.generation === generation;
    setStored({ ...later, generation, loading: true, error: null });
    client.request(document, ...([{ ...variables, after: pageInfo.endCursor }] as never)).then(
      (data) => {
        const page = connection(data);
        setStored((pages) =>
          ours(pages) ? { generation, items: [...pages.items, ...page.nodes], pageInfo: page.pageInfo, loading: false, error: null } : pages,
        );
      },
      (error: Error) => {
        report(error);
        setStored((pages) => (ours(pages) ? { ...pages, loading: false, error } : pages));
      },
    );
  }, [client, connection, document, first.loading, generation, later, pageInfo, report, variables]);

  const reloadFirst = first.reload;
  const reload = useCallback(() => {
    setList((current) => ({ ...current, generation: current.generation + 1 }));
    reloadFirst();
  }, [reloadFirst]);

  return {
    items: [...(firstPage?.nodes ?? []), ...later.items],
    error: first.error ?? later.error,
    loading: first.loading,
    loadingMore: later.loading,
    hasMore: pageInfo?.hasNextPage ?? false,
    loadMore,
    reload,
  };
}
