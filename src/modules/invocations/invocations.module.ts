import { Module } from '@nestjs/common';
import { FunctionsModule } from '@/modules/functions/functions.module.js';
import { VersionsModule } from '@/modules/versions/versions.module.js';
import { FunctionResolver } from './function-lookup.service.js';
import { FunctionGateway } from '@/api/http/gateway/function-gateway.js';
import { InvocationLogsService } from './invocation-logs.service.js';
import { InvocationRecorder } from './invocation-recorder.js';
import { InvocationFeedService } from './invocation-feed.service.js';
import { InvocationSubscriptionsResolver } from '@/api/graphql/invocations/invocation-subscriptions.resolver.js';
import { InvocationLoadersFactory } from '@/api/graphql/loaders/invocation.loaders.js';
import { FunctionMetricsService } from '@/modules/live-metrics/function-metrics.service.js';
import { InstanceReporter } from '@/modules/live-metrics/instance-reporter.js';
import { FunctionInvocationsFieldsResolver, InvocationsResolver } from '@/api/graphql/invocations/invocations.resolver.js';
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
