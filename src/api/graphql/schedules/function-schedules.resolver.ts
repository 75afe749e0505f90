import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLContext } from '@/api/graphql/graphql-context.js';
import { FunctionModel } from '@/api/graphql/functions/function.model.js';
import { FunctionAccessPolicy } from '@/modules/functions/function-access.policy.js';
import { ScheduleRunsService } from '@/modules/schedules/schedule-runs.service.js';
import { FunctionScheduleModel } from './function-schedule.model.js';
import { toFunctionScheduleModel } from './function-schedule.mapper.js';

/** `Function.schedules`: the stored schedules with their last run (batched per request) and next tick. */
@Resolver(() => FunctionModel)
export class FunctionSchedulesResolver {
  constructor(
    private readonly runs: ScheduleRunsService,
    private readonly policy: FunctionAccessPolicy,
  ) {}

  @ResolveField(() => [FunctionScheduleModel], { description: 'Cron triggers; payloads only for those who may read the code.' })
  async schedules(@Parent() fn: FunctionModel, @Context() ctx: GraphQLContext): Promise<FunctionScheduleModel[]> {
    if (fn.schedules.length === 0) return [];
    const record = await ctx.loaders.functionById.load(fn.id);
    const reveal = record !== null && this.policy.functionAccess(ctx.actor.principal, record).readCode;
    const lastRuns = await ctx.loaders.lastScheduleRun.loadMany(fn.schedules.map((schedule) => ({ functionId: fn.id, scheduleId: schedule.id })));
    const now = new Date();
    return fn.schedules.map((schedule, index) => {
      const last = lastRuns[index];
      return toFunctionScheduleModel(schedule, last instanceof Error ? null : (last ?? null), this.runs.nextRunAt(schedule, now), reveal);
    });
  }
}
