import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { withoutNulls } from '@/api/graphql/without-nulls.js';
import type { GraphQLContext } from '@/api/graphql/graphql-context.js';
import { ReplayService } from '@/modules/replay/replay.service.js';
import { ReplayInput } from './replay.input.js';
import { toReplayReportModel } from './replay.mapper.js';
import { ReplayReportModel } from './replay-report.model.js';

@Resolver(() => ReplayReportModel)
export class ReplayResolver {
  constructor(private readonly replays: ReplayService) {}

  @Mutation(() => ReplayReportModel, {
    description:
      'Runs recorded invocations of a function again on `targetVersion` (new REPLAY invocations, a few at a time) and reports what differs from the originals: a regression check before promoting. Needs the right to manage the function; audited (`invocations.replay`).',
  })
  async replayInvocations(@Context() ctx: GraphQLContext, @Args('input') rawInput: ReplayInput): Promise<ReplayReportModel> {
    const input = withoutNulls(rawInput);
    const report = await this.replays.replay(ctx.actor, {
      functionId: input.functionId,
      targetVersion: input.targetVersion,
      invocationIds: input.invocationIds,
      filter: input.filter,
      limit: input.limit,
    });
    return toReplayReportModel(report);
  }
}
