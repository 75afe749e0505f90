import type { Request } from 'express';
import type { Actor } from '@/modules/auth/principal.js';
import type { FunctionLoaders } from '@/modules/functions/functions.loaders.js';
import type { InvocationLoaders } from '@/modules/invocations/invocations.loaders.js';
import type { VersionLoaders } from '@/modules/versions/versions.loaders.js';

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
