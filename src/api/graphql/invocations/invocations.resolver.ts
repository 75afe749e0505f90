import { isValidTraceId } from '@opentelemetry/api';
import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ValidationError } from '@/kernel/errors/domain-error.js';
import { withoutNulls } from '@/api/graphql/without-nulls.js';
import { type Connection, ConnectionType, toConnection } from '@/api/graphql/pagination/connection.model.js';
import { toPageRequest } from '@/api/graphql/pagination/cursor.js';
import { PublicUrls } from '@/api/http/origins/public-urls.js';
import type { GraphQLContext } from '@/api/graphql/graphql-context.js';
import { requestContextOf } from '@/kernel/telemetry/request-context.js';
import { FunctionAccessPolicy } from '@/modules/functions/function-access.policy.js';
import { toFunctionModel } from '@/api/graphql/functions/function.mapper.js';
import { FunctionModel } from '@/api/graphql/functions/function.model.js';
import { eventFromInput } from './invocation-event.input-mapper.js';
import { InvokeFunctionInput } from './invoke-function.input.js';
import { InvocationLogsService } from '@/modules/invocations/invocation-logs.service.js';
import { toInvocationModel, toLogLineModel } from './invocation.mapper.js';
import { InvocationsService } from '@/modules/invocations/invocations.service.js';
import { errorSeenBy } from '@/modules/invocations/invocation-error-view.js';
import { InvocationStatusEnum } from './invocation-enums.js';
import { InvocationErrorModel, InvocationModel } from './invocation.model.js';
import { LogLineModel } from './log-line.model.js';

const InvocationConnection = ConnectionType(InvocationModel, 'Invocation');

@Resolver(() => InvocationModel)
export class InvocationsResolver {
  constructor(
    private readonly service: InvocationsService,
    private readonly logService: InvocationLogsService,
    private readonly urls: PublicUrls,
    private readonly policy: FunctionAccessPolicy,
  ) {}

  @Query(() => InvocationModel, { description: 'An invocation, for its caller and for whoever may read the function’s invocations.' })
  async invocation(@Context() ctx: GraphQLContext, @Args('id', { type: () => ID }) id: string): Promise<InvocationModel> {
    return toInvocationModel(await this.service.getReadable(ctx.actor.principal, id));
  }

  @Query(() => InvocationConnection, {
    description: 'Newest first. Admins see all; with functionId, those who may read its invocations see all of them; otherwise your own.',
  })
  async invocations(
    @Context() ctx: GraphQLContext,
    @Args('functionId', { type: () => ID, nullable: true }) functionId: string | null,
    @Args('status', { type: () => InvocationStatusEnum, nullable: true }) status: InvocationStatusEnum | null,
    @Args('traceId', {
      type: () => String,
      nullable: true,
      description: 'The OpenTelemetry trace id (32 lower-case hex digits) of the invocation, as stored on it.',
    })
    traceId: string | null | undefined,
    @Args('first', { type: () => Int, nullable: true, description: 'Page size: 1 to 100 (default 20).' }) first: number | null,
    @Args('after', { type: () => String, nullable: true, description: '`endCursor` of the previous page.' }) after: string | null,
  ): Promise<Connection<InvocationModel>> {
    // An argument left out (not even null) arrives as undefined.
    if (traceId != null && !isValidTraceId(traceId)) {
      throw new ValidationError('traceId must be 32 lower-case hex digits', [{ field: 'traceId', message: 'not a trace id' }]);
    }
    const page = await this.service.listReadable(
      ctx.actor.principal,
      { functionId: functionId ?? undefined, status: status ?? undefined, traceId: traceId ?? undefined },
      toPageRequest(first, after),
    );
    return toConnection(page, (i) => i.id, toInvocationModel);
  }

  @Mutation(() => InvocationModel, { description: 'Runs a function: the finished invocation, or a QUEUED one with async.' })
  async invokeFunction(@Context() ctx: GraphQLContext, @Args('input') rawInput: InvokeFunctionInput): Promise<InvocationModel> {
    const input = withoutNulls(rawInput);
    if ((input.functionId === undefined) === (input.name === undefined)) {
      throw new ValidationError('Give exactly one of functionId and name', [{ field: 'functionId', message: 'or name' }]);
    }
    const record = await this.service.invoke({
      ref: input.functionId !== undefined ? { functionId: input.functionId } : { name: input.name as string },
      version: input.version,
      alias: input.alias,
      followDefaultAlias: true,
      routingKey: input.routingKey,
      trigger: 'GRAPHQL',
      event: eventFromInput(input),
      principal: ctx.actor.principal,
      async: input.async ?? false,
      origin: requestContextOf(ctx.req),
      idempotencyKey: input.idempotencyKey,
    });
    return toInvocationModel(record);
  }

  @Mutation(() => InvocationModel, { description: 'Queues a DEAD_LETTERED invocation again, with a fresh set of attempts.' })
  async redriveInvocation(@Context() ctx: GraphQLContext, @Args('id', { type: () => ID }) id: string): Promise<InvocationModel> {
    return toInvocationModel(await this.service.redrive(ctx.actor.principal, id));
  }

  @ResolveField(() => [LogLineModel], { description: 'Output lines so far (see `logsTruncated`).' })
  async logs(@Parent() invocation: InvocationModel): Promise<LogLineModel[]> {
    if (invocation.logs) return invocation.logs;
    const snapshot = await this.logService.snapshot(invocation.id);
    return (snapshot?.lines ?? []).map((line) => toLogLineModel(invocation.id, line));
  }

  @ResolveField(() => InvocationErrorModel, {
    nullable: true,
    description:
      "Why it did not succeed. The exception's message and stack go to those who may read the function's code; anyone else gets a generic message naming the invocation (and the type only when fngraph set it, e.g. `Timeout`).",
  })
  async error(@Parent() invocation: InvocationModel, @Context() ctx: GraphQLContext): Promise<InvocationErrorModel | null> {
    if (invocation.error === null) return null;
    const fn = await ctx.loaders.functionById.load(invocation.functionId);
    return errorSeenBy(invocation, fn !== null && this.policy.functionAccess(ctx.actor.principal, fn).readCode) ?? null;
  }

  @ResolveField(() => FunctionModel, { nullable: true, description: 'Null when you may not see the function (e.g. a public function invoked anonymously).' })
  async function(@Parent() invocation: InvocationModel, @Context() ctx: GraphQLContext): Promise<FunctionModel | null> {
    const fn = await ctx.loaders.functionById.load(invocation.functionId);
    if (!fn) throw new Error(`Invocation ${invocation.id} points at a missing function`);
    if (!this.policy.functionAccess(ctx.actor.principal, fn).visible) return null;
    return toFunctionModel(fn, this.urls.functions());
  }
}

/** The invocation fields of `Function`. */
@Resolver(() => FunctionModel)
export class FunctionInvocationsFieldsResolver {
  constructor(private readonly policy: FunctionAccessPolicy) {}

  @ResolveField(() => InvocationModel, { nullable: true, description: "Null also when you may not read this function's invocations." })
  async latestInvocation(@Parent() fn: FunctionModel, @Context() ctx: GraphQLContext): Promise<InvocationModel | null> {
    const function_ = await ctx.loaders.functionById.load(fn.id);
    if (!function_ || !this.policy.functionAccess(ctx.actor.principal, function_).readInvocations) return null;
    const record = await ctx.loaders.latestInvocationByFunctionId.load(fn.id);
    return record ? toInvocationModel(record) : null;
  }
}
