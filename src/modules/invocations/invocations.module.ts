import { type DynamicModule, Module } from '@nestjs/common';
import type { ModuleImport } from '@/kernel/modules/module-import.js';
import { HealthModule } from '@/modules/health/health.module.js';
import { FunctionLookup } from './function-lookup.service.js';
import { InvocationAdmission } from './invocation-admission.js';
import { InvocationDrain } from './invocation-drain.js';
import { InvocationFeedService } from './invocation-feed.service.js';
import { InvocationLogsService } from './invocation-logs.service.js';
import { InvocationRecorder } from './invocation-recorder.js';
import { InvocationRetention } from './invocation-retention.js';
import { InvocationRunner } from './invocation-runner.js';
import { InvocationWorker } from './invocation-worker.js';
import { InvocationsService } from './invocations.service.js';
import { NodeSweeper } from './node-sweeper.js';
import { QueuedEventSeal } from './queued-event-seal.js';
import { ShadowCalls } from './shadow-calls.js';
import { ContractValidators } from '@/modules/contracts/contract-validators.js';

export interface InvocationsModuleImports {
  /** Provides `InvocationRepository`, `NodeRegistry` and `IdempotencyKeys`. */
  storage: ModuleImport;
  /** Provides `InvocationQueue`. */
  queue: ModuleImport;
  /** Provides `EventBus` and `RunningLogBuffer` (live logs and status changes on every node). */
  events: ModuleImport;
  /** Provides `InvocationObserver`. */
  telemetry: ModuleImport;
  functions: ModuleImport;
  versions: ModuleImport;
  /** Provides `AliasesService` (calls routed through an alias). */
  aliases: ModuleImport;
  executor: ModuleImport;
  limits: ModuleImport;
  /** Provides `EnvelopeCipher` (queued events travel sealed). */
  crypto: ModuleImport;
}

/**
 * Invoking functions: resolve, authorise, record, run in a sandbox now or from the queue
 * on any worker node; live logs and status feeds; dead nodes' work swept; graceful drain.
 */
@Module({})
export class InvocationsModule {
  static register(imports: InvocationsModuleImports): DynamicModule {
    return {
      module: InvocationsModule,
      imports: [
        imports.storage,
        imports.queue,
        imports.events,
        imports.telemetry,
        imports.functions,
        imports.versions,
        imports.aliases,
        imports.executor,
        imports.limits,
        imports.crypto,
        HealthModule,
      ],
      providers: [
        FunctionLookup,
        InvocationsService,
        InvocationRecorder,
        InvocationRunner,
        InvocationAdmission,
        InvocationWorker,
        NodeSweeper,
        InvocationDrain,
        InvocationLogsService,
        InvocationFeedService,
        InvocationRetention,
        QueuedEventSeal,
        ShadowCalls,
        ContractValidators,
      ],
      exports: [InvocationsService, InvocationLogsService, InvocationFeedService, InvocationDrain, NodeSweeper, ShadowCalls],
    };
  }
}
