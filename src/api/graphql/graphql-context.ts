import type { Request } from 'express';
import type { Actor } from '@/kernel/identity/principal.js';
import type { FunctionLoaders } from './loaders/function.loaders.js';
import type { InvocationLoaders } from './loaders/invocation.loaders.js';
import type { VersionLoaders } from './loaders/version.loaders.js';

export type RequestLoaders = FunctionLoaders & VersionLoaders & InvocationLoaders;

/** Built once per HTTP request or graphql-ws operation. */
export interface GraphQLContext {
  req?: Request;
  /** graphql-ws `connectionParams`, kept for authentication. */
  connectionParams?: Record<string, unknown>;
  loaders: RequestLoaders;
  /** Who is calling: per HTTP request, or per graphql-ws connection (re-checked on every event). */
  actor: Actor;
}
