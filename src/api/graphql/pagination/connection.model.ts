import { Field, ObjectType } from '@nestjs/graphql';
import type { Type } from '@nestjs/common';
import { encodeCursor } from './cursor.js';
import type { PageResult } from '@/kernel/pagination/page.js';

@ObjectType({ description: 'Where a page ends: pass `endCursor` as `after` for the next one.' })
export class PageInfo {
  @Field({ description: 'Whether another page follows.' })
  hasNextPage: boolean;

  @Field(() => String, { nullable: true, description: 'The cursor of the last item of this page; null when it is empty.' })
  endCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: PageInfo;
}

/** Builds the Relay-style connection type for `node` (e.g. `FunctionConnection`). */
export function ConnectionType<T>(node: Type<T>, name: string): Type<Connection<T>> {
  @ObjectType(`${name}Edge`, { description: `One ${name} of a page, with its cursor.` })
  class EdgeType {
    @Field({ description: 'Pass as `after` to continue after this item.' })
    cursor: string;

    @Field(() => node)
    node: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} items (Relay-style connection).` })
  class ConnectionClass {
    @Field(() => [EdgeType])
    edges: Edge<T>[];

    @Field(() => [node], { description: 'The nodes of `edges`, for clients that need no cursors.' })
    nodes: T[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;
  }
  return ConnectionClass;
}

/** Maps a storage page to a connection, keyed by the same sort key the store used. */
export function toConnection<R, T>(page: PageResult<R>, sortKey: (record: R) => string, toModel: (record: R) => T): Connection<T> {
  const edges = page.items.map((record) => ({ cursor: encodeCursor(sortKey(record)), node: toModel(record) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: { hasNextPage: page.hasMore, endCursor: edges.at(-1)?.cursor ?? null },
  };
}
