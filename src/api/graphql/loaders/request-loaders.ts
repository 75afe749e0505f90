import { Injectable } from '@nestjs/common';
import { FunctionLoadersFactory, type FunctionLoaders } from './function.loaders.js';
import { InvocationLoadersFactory, type InvocationLoaders } from './invocation.loaders.js';
import { VersionLoadersFactory, type VersionLoaders } from './version.loaders.js';

export type RequestLoaders = FunctionLoaders & VersionLoaders & InvocationLoaders;

/** Fresh DataLoaders for each GraphQL request or graphql-ws operation: batching never crosses callers. */
@Injectable()
export class RequestLoadersFactory {
  constructor(
    private readonly functions: FunctionLoadersFactory,
    private readonly versions: VersionLoadersFactory,
    private readonly invocations: InvocationLoadersFactory,
  ) {}

  create(): RequestLoaders {
    return { ...this.functions.create(), ...this.versions.create(), ...this.invocations.create() };
  }
}
