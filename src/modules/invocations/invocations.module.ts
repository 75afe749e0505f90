import { type DynamicModule, Module } from '@nestjs/common';
import type { ModuleImport } from '@/kernel/modules/module-import.js';
import { FunctionLookup } from './function-lookup.service.js';
import { InvocationFeedService } from './invocation-feed.service.js';
import { InvocationLogsService } from './invocation-logs.service.js';
import { InvocationRecorder } from './invocation-recorder.js';
import { InvocationsService } from './invocations.service.js';

export interface InvocationsModuleImports {
  /** Provides `InvocationRepository`. */
  storage: ModuleImport;
  /** Provides `EventBus` and `RunningLogBuffer` (live logs and status changes on every node). */
  events: ModuleImport;
  /** Provides `InvocationObserver`. */
  telemetry: ModuleImport;
  functions: ModuleImport;
  versions: ModuleImport;
  executor: ModuleImport;
  limits: ModuleImport;
}

/** Invoking functions: resolve, authorise, record, run in a sandbox; live logs and status feeds. */
@Module({})
export class InvocationsModule {
  static register(imports: InvocationsModuleImports): DynamicModule {
    return {
      module: InvocationsModule,
      imports: [imports.storage, imports.events, imports.telemetry, imports.functions, imports.versions, imports.executor, imports.limits],
      providers: [FunctionLookup, InvocationsService, InvocationRecorder, InvocationLogsService, InvocationFeedService],
      exports: [InvocationsService, InvocationLogsService, InvocationFeedService],
    };
  }
}
