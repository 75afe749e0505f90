import { type DynamicModule, Module } from '@nestjs/common';
import type { ModuleImport } from '@/kernel/modules/module-import.js';
import { AliasLoadersFactory } from './loaders/alias.loaders.js';
import { FunctionLoadersFactory } from './loaders/function.loaders.js';
import { InvocationLoadersFactory } from './loaders/invocation.loaders.js';
import { RequestLoadersFactory } from './loaders/request-loaders.js';
import { ScheduleLoadersFactory } from './loaders/schedule.loaders.js';
import { VersionLoadersFactory } from './loaders/version.loaders.js';
import { WsConnectionGuard } from './ws-connection-guard.js';

export interface GraphQLContextModuleImports {
  functions: ModuleImport;
  versions: ModuleImport;
  invocations: ModuleImport;
  auth: ModuleImport;
  limits: ModuleImport;
  schedules: ModuleImport;
  aliases: ModuleImport;
}

/** What the GraphQL options factory needs: per-request DataLoaders and the graphql-ws guard. */
@Module({})
export class GraphQLContextModule {
  static register(imports: GraphQLContextModuleImports): DynamicModule {
    return {
      module: GraphQLContextModule,
      imports: [imports.functions, imports.versions, imports.invocations, imports.auth, imports.limits, imports.schedules, imports.aliases],
      providers: [
        FunctionLoadersFactory,
        VersionLoadersFactory,
        InvocationLoadersFactory,
        ScheduleLoadersFactory,
        AliasLoadersFactory,
        RequestLoadersFactory,
        WsConnectionGuard,
      ],
      exports: [RequestLoadersFactory, WsConnectionGuard],
    };
  }
}
