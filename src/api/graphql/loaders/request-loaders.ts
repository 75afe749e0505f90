import { Injectable } from '@nestjs/common';
import { AliasLoadersFactory, type AliasLoaders } from './alias.loaders.js';
import { FunctionLoadersFactory, type FunctionLoaders } from './function.loaders.js';
import { InvocationLoadersFactory, type InvocationLoaders } from './invocation.loaders.js';
import { ScheduleLoadersFactory, type ScheduleLoaders } from './schedule.loaders.js';
import { VersionLoadersFactory, type VersionLoaders } from './version.loaders.js';

export type RequestLoaders = FunctionLoaders & VersionLoaders & InvocationLoaders & ScheduleLoaders & AliasLoaders;

/** Fresh DataLoaders for each GraphQL request or graphql-ws operation: batching never crosses callers. */
@Injectable()
export class RequestLoadersFactory {
  constructor(
    private readonly functions: FunctionLoadersFactory,
    private readonly versions: VersionLoadersFactory,
    private readonly invocations: InvocationLoadersFactory,
    private readonly schedules: ScheduleLoadersFactory,
    private readonly aliases: AliasLoadersFactory,
  ) {}

  create(): RequestLoaders {
    return { ...this.functions.create(), ...this.versions.create(), ...this.invocations.create(), ...this.schedules.create(), ...this.aliases.create() };
  }
}
