import { Args, Context, ID, Int, Resolver, Subscription } from '@nestjs/graphql';
import { ValidationError } from '@/kernel/errors/domain-error.js';
import { InvocationsService } from '@/modules/invocations/invocations.service.js';
import { FunctionMetricsService } from '@/modules/live-metrics/function-metrics.service.js';
import type { GraphQLContext } from '@/api/graphql/graphql-context.js';
import { functionActivity } from '@/api/graphql/invocations/function-activity.js';
import { FunctionMetricsModel } from './function-metrics.model.js';

@Resolver()
export class FunctionMetricsResolver {
  constructor(
    private readonly invocations: InvocationsService,
    private readonly metrics: FunctionMetricsService,
  ) {}

  @Subscription(() => FunctionMetricsModel, {
    description: 'Rolling-window metrics of a function across all nodes, every `intervalSeconds`.',
    resolve: (snapshot: FunctionMetricsModel) => snapshot,
  })
  async functionMetrics(
    @Context() ctx: GraphQLContext,
    @Args('functionId', { type: () => ID }) functionId: string,
    @Args('windowSeconds', { type: () => Int, nullable: true, defaultValue: 60, description: 'The rolling window: 1 to 3600 seconds.' }) windowSeconds: number,
    @Args('intervalSeconds', { type: () => Int, nullable: true, defaultValue: 1, description: 'Seconds between two snapshots: 1 to 60.' })
    intervalSeconds: number,
  ): Promise<AsyncIterable<FunctionMetricsModel>> {
    if (windowSeconds < 1 || windowSeconds > 3600)
      throw new ValidationError('windowSeconds must be 1 to 3600', [{ field: 'windowSeconds', message: '1 to 3600' }]);
    if (intervalSeconds < 1 || intervalSeconds > 60)
      throw new ValidationError('intervalSeconds must be 1 to 60', [{ field: 'intervalSeconds', message: '1 to 60' }]);
    return functionActivity(this.invocations, ctx.actor.principal, functionId, () => this.metrics.stream(functionId, windowSeconds, intervalSeconds * 1000));
  }
}
