import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { ModuleImport } from '@/kernel/modules/module-import.js';
import { AnonymousUploads } from './bodies/anonymous-uploads.js';
import { AliasesController } from './functions/aliases.controller.js';
import { ReplayController } from './functions/replay.controller.js';
import { FunctionsController } from './functions/functions.controller.js';
import { FunctionGateway } from './gateway/function-gateway.js';
import { FunctionsListener } from './gateway/functions-listener.js';
import { HealthController } from './health/health.controller.js';
import { HttpErrorFilter } from './http-error.filter.js';
import { InvocationsController } from './invocations/invocations.controller.js';
import { MetricsListener } from './metrics/metrics-listener.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { PublicUrlsModule } from './origins/public-urls.module.js';
import { OpenApiController } from './openapi/openapi.controller.js';
import { OpenApiDocuments } from './openapi/openapi-documents.js';

export interface HttpApiModuleImports {
  functions: ModuleImport;
  versions: ModuleImport;
  invocations: ModuleImport;
  /** `GET/PUT/DELETE /functions/:id/aliases/:name`. */
  aliases: ModuleImport;
  /** `POST /functions/:id/replay`. */
  replay: ModuleImport;
  auth: ModuleImport;
  limits: ModuleImport;
  health: ModuleImport;
  /** Provides `MetricsExporter`. */
  metrics: ModuleImport;
}

export interface HttpApiOptions {
  /** Serve `/metrics` (FNGRAPH_METRICS). */
  metrics: boolean;
}

/**
 * REST: registration, the function gateway (`/execute`, `/fn`, also on the functions' own listener), invocations, health, metrics and
 * the OpenAPI documents; and
 * the one filter that turns any failed REST request into a JSON error.
 */
@Module({})
export class HttpApiModule {
  static register(imports: HttpApiModuleImports, options: HttpApiOptions): DynamicModule {
    return {
      module: HttpApiModule,
      imports: [
        imports.functions,
        imports.versions,
        imports.invocations,
        imports.aliases,
        imports.replay,
        imports.auth,
        imports.limits,
        imports.health,
        imports.metrics,
        PublicUrlsModule,
      ],
      controllers: [
        FunctionsController,
        AliasesController,
        ReplayController,
        InvocationsController,
        HealthController,
        OpenApiController,
        ...(options.metrics ? [MetricsController] : []),
      ],
      providers: [
        FunctionGateway,
        OpenApiDocuments,
        AnonymousUploads,
        FunctionsListener,
        ...(options.metrics ? [MetricsListener] : []),
        { provide: APP_FILTER, useClass: HttpErrorFilter },
      ],
    };
  }
}
