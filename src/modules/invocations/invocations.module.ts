import { Module } from '@nestjs/common';
import { FunctionsModule } from '@/modules/functions/functions.module.js';
import { VersionsModule } from '@/modules/versions/versions.module.js';
import { FunctionResolver } from './function-resolver.service.js';
import { FunctionGateway } from './http/function-gateway.js';
import { InvocationLogsService } from './invocation-logs.service.js';
import { InvocationRecorder } from './invocation-recorder.js';
import { InvocationFeedService } from './invocation-feed.service.js';
import { InvocationSubscriptionsResolver } from './invocation-subscriptions.resolver.js';
import { InvocationLoadersFactory } from './invocations.loaders.js';
import { FunctionMetricsService } from './metrics/function-metrics.service.js';
import { InstanceReporter } from './metrics/instance-reporter.js';
import { FunctionInvocationsFieldsResolver, InvocationsResolver } from './invocations.resolver.js';
import { InvocationsService } from './invocations.service.js';

@Module({
  imports: [FunctionsModule, VersionsModule],
  providers: [
    FunctionResolver,
    InvocationsService,
    InvocationRecorder,
    FunctionGateway,
    InvocationLogsService,
    InvocationLoadersFactory,
    InvocationsResolver,
    FunctionInvocationsFieldsResolver,
    InvocationFeedService,
    FunctionMetricsService,
    InstanceReporter,
    InvocationSubscriptionsResolver,
  ],
  exports: [InvocationsService, InvocationLoadersFactory],
})
export class InvocationsModule {}
