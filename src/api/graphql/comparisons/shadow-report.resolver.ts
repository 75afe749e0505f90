import { Args, Context, ID, Int, Query, Resolver } from '@nestjs/graphql';
import type { GraphQLContext } from '@/api/graphql/graphql-context.js';
import { DEFAULT_REPORT_COMPARISONS, ShadowReportService } from '@/modules/shadow/shadow-report.service.js';
import { toShadowReportModel } from './shadow-report.mapper.js';
import { ShadowReportModel } from './shadow-report.model.js';

@Resolver(() => ShadowReportModel)
export class ShadowReportResolver {
  constructor(private readonly reports: ShadowReportService) {}

  @Query(() => ShadowReportModel, {
    description: "What an alias's shadow traffic found (see `AliasShadow`), for whoever may read the function's invocations.",
  })
  async shadowReport(
    @Context() ctx: GraphQLContext,
    @Args('functionId', { type: () => ID }) functionId: string,
    @Args('alias') alias: string,
    @Args('first', { type: () => Int, nullable: true, defaultValue: DEFAULT_REPORT_COMPARISONS, description: 'Latest comparisons listed: 0 to 100.' })
    first: number | null,
    @Args('shadowVersion', { type: () => String, nullable: true, description: 'Report on this shadow version (default: the alias’s current one).' })
    shadowVersion: string | null,
  ): Promise<ShadowReportModel> {
    const report = await this.reports.report(ctx.actor.principal, functionId, alias, first ?? DEFAULT_REPORT_COMPARISONS, shadowVersion ?? undefined);
    return toShadowReportModel(report);
  }
}
