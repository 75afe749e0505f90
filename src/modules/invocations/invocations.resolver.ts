import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ValidationError } from '@/common/errors/domain-error.js';
import { withoutNulls } from '@/common/graphql/without-nulls.js';
import { type Connection, ConnectionType, toConnection } from '@/common/pagination/connection.model.js';
import { toPageRequest } from '@/common/pagination/cursor.js';
import { AppConfig } from '@/config/app-config.js';
import type { GraphQLContext } from '@/graphql/graphql-context.js';
import { requestContextOf } from '@/infrastructure/observability/logging/request-context.js';
import { toFunctionModel } from '@/modules/functions/function.mapper.js';
import { FunctionModel } from '@/modules/functions/models/function.model.js';
import { eventFromInput } from './dto/invocation-event.js';
import { InvokeFunctionInput } from './dto/invoke-function.input.js';
import { InvocationLogsService } from './invocation-logs.service.js';
import { toInvocationModel, toLogLineModel } from './invocation.mapper.js';
import { InvocationsService } from './invocations.service.js';
import { InvocationStatusEnum } from './models/invocation-enums.js';
import { InvocationModel } from './models/invocation.model.js';
import { LogLineModel } from './models/log-line.model.js';

const InvocationConnection = ConnectionType(InvocationModel, 'Invocation');

@Resolver(() => InvocationModel)
export class InvocationsResolver {
  constructor(
    private readonly service: InvocationsService,
    private readonly logService: InvocationLogsService,
    private readonly config: AppConfig,
  ) {}

  @Query(() => InvocationModel)
  async invocation(@Args('id', { type: () => ID }) id: string): Promise<InvocationModel> {
    return toInvocationModel(await this.service.getById(id));
  }

  @Query(() => InvocationConnection, { description: 'Newest first.' })
  async invocations(
    @Args('functionId', { type: () => ID, nullable: true }) functionId: string | null,
    @Args('status', { type: () => InvocationStatusEnum, nullable: true }) status: InvocationStatusEnum | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<Connection<InvocationModel>> {
    const page = await this.service.list(
      { functionId: functionId ?? undefined, status: status ?? undefined },
      toPageRequest(first, after),
    );
    return toConnection(page, (i) => i.id, toInvocationModel);
  }

  @Mutation(() => InvocationModel, { description: 'Runs a function: the finished invocation, or a QUEUED one with async.' })
  async invokeFunction(@Args('input') rawInput: InvokeFunctionInput, @Context() ctx: GraphQLContext): Promise<InvocationModel> {
    const input = withoutNulls(rawInput);
    if ((input.functionId === undefined) === (input.name === undefined)) {
      throw new ValidationError('Give exactly one of functionId and name', [{ field: 'functionId', message: 'or name' }]);
    }
    const record = await this.service.invoke({
      ref: input.functionId !== undefined ? { functionId: input.functionId } : { name: input.name as string },
      version: input.version,
      trigger: 'GRAPHQL',
      event: eventFromInput(input),
      callerId: null,
      async: input.async ?? false,
      origin: requestContextOf(ctx.req),
    });
    return toInvocationModel(record);
  }

  @ResolveField(() => [LogLineModel], { description: 'Output lines so far (see `logsTruncated`).' })
  async logs(@Parent() invocation: InvocationModel): Promise<LogLineModel[]> {
    if (invocation.logs) return invocation.logs;
    const snapshot = await this.logService.snapshot(invocation.id);
    return (snapshot?.lines ?? []).map((line) => toLogLineModel(invocation.id, line));
  }

  @ResolveField(() => FunctionModel)
  async function(@Parent() invocation: InvocationModel, @Context() ctx: GraphQLContext): Promise<FunctionModel> {
    const fn = await ctx.loaders.functionById.load(invocation.functionId);
    if (!fn) throw new Error(`Invocation ${invocation.id} points at a missing function`);
    return toFunctionModel(fn, this.config.publicUrl ?? '');
  }
}

/** The invocation fields of `Function`. */
@Resolver(() => FunctionModel)
export class FunctionInvocationsFieldsResolver {
  @ResolveField(() => InvocationModel, { nullable: true })
  async latestInvocation(@Parent() fn: FunctionModel, @Context() ctx: GraphQLContext): Promise<InvocationModel | null> {
    const record = await ctx.loaders.latestInvocationByFunctionId.load(fn.id);
    return record ? toInvocationModel(record) : null;
  }
}
