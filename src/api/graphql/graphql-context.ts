import type { Request } from 'express';
import type { Actor } from '@/kernel/identity/principal.js';
import type { RequestLoaders } from './loaders/request-loaders.js';

/** Built once per HTTP request or graphql-ws operation. */
export interface GraphQLContext {
  req?: Request;
  /** graphql-ws `connectionParams`, kept for authentication. */
  connectionParams?: Record<string, unknown>;
  loaders: RequestLoaders;
  /** Who is calling: per HTTP request, or per graphql-ws connection (re-checked on every event). */
  actor: Actor;
}
