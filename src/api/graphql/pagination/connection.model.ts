import { Field, ObjectType } from '@nestjs/graphql';
import type { Type } from '@nestjs/common';
import { encodeCursor } from './cursor.js';
import type { PageResult } from '@/kernel/pagination/page.js';

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field(() => String, { nullable: true })
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
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field()
    cursor: string;

    @Field(() => node)
    node: T;
  }

  @ObjectType(`${name}Connection`)
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
