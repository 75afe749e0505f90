import { Args, Context, ID, Int, Resolver, Subscription } from '@nestjs/graphql';
import { NotFoundError, ValidationError } from '@/kernel/errors/domain-error.js';
import { mapStream } from '@/kernel/streams/async-streams.js';
import type { GraphQLContext } from '@/api/graphql/graphql-context.js';
import type { Principal } from '@/kernel/identity/principal.js';
import { guardedStream } from '@/kernel/streams/guarded-stream.js';
import { InvocationFeedService } from '@/modules/invocations/invocation-feed.service.js';
import { InvocationLogsService, type StreamedLogLine } from '@/modules/invocations/invocation-logs.service.js';
import { functionActivity } from './function-activity.js';
import { toInvocationModel, toLogLineModel } from './invocation.mapper.js';
import type { InvocationRecord } from '@/modules/invocations/invocation.record.js';
import { InvocationsService } from '@/modules/invocations/invocations.service.js';
import { InvocationModel } from './invocation.model.js';
import { LogLineModel } from './log-line.model.js';

const passThrough = <T>(value: T) => value;

/**
 * Live views of invocations. Access is checked before the stream starts (so an unknown
 * or unreadable id is an error result answering NOT_FOUND) and again before every event,
 * since permissions can change while a subscription lives.
 */
@Resolver()
export class InvocationSubscriptionsResolver {
  constructor(
    private readonly invocations: InvocationsService,
    private readonly logs: InvocationLogsService,
    private readonly feed: InvocationFeedService,
  ) {}

  @Subscription(() => LogLineModel, {
    description: 'Lines of one invocation: those already printed (after `fromSeq`), then live ones until it ends.',
    resolve: passThrough,
  })
  async invocationLogs(
    @Context() ctx: GraphQLContext,
    @Args('invocationId', { type: () => ID }) invocationId: string,
    @Args('fromSeq', {
      type: () => Int,
      nullable: true,
      defaultValue: 0,
      description: 'Only lines after this `seq` (0: from the first line); to resume after a reconnect.',
    })
    fromSeq: number,
  ): Promise<AsyncIterable<LogLineModel>> {
    const lines = await this.readableInvocation(ctx.actor.principal, invocationId, (invocation) => this.logs.stream(invocation.id, fromSeq));
    return mapLines(lines);
  }

  @Subscription(() => LogLineModel, { description: 'Lines of every invocation of a function, from now on.', resolve: passThrough })
  async functionLogs(@Context() ctx: GraphQLContext, @Args('functionId', { type: () => ID }) functionId: string): Promise<AsyncIterable<LogLineModel>> {
    return mapLines(await functionActivity(this.invocations, ctx.actor.principal, functionId, () => this.logs.functionStream(functionId)));
  }

  @Subscription(() => InvocationModel, {
    description: 'Status transitions: of one invocation (its current state first, until it ends), or of every invocation of a function.',
    resolve: passThrough,
  })
  async invocationUpdated(
    @Context() ctx: GraphQLContext,
    @Args('invocationId', { type: () => ID, nullable: true }) invocationId: string | null,
    @Args('functionId', { type: () => ID, nullable: true }) functionId: string | null,
  ): Promise<AsyncIterable<InvocationModel>> {
    if ((invocationId == null) === (functionId == null)) {
      throw new ValidationError('Give exactly one of invocationId and functionId', [{ field: 'invocationId', message: 'or functionId' }]);
    }
    const principal = ctx.actor.principal;
    const records =
      invocationId != null
        ? await this.readableInvocation(principal, invocationId, (invocation) => this.feed.ofInvocation(invocation.id))
        : await functionActivity(this.invocations, principal, functionId as string, () => this.feed.ofFunction(functionId as string));
    return mapInvocations(records);
  }

  /** A stream about one invocation the principal may read, re-checked per item. */
  private async readableInvocation<T>(
    principal: Principal,
    invocationId: string,
    open: (invocation: InvocationRecord) => AsyncIterable<T>,
  ): Promise<AsyncIterable<T>> {
    const invocation = await this.invocations.getReadable(principal, invocationId);
    return guardedStream(
      open(invocation),
      () => this.invocations.canRead(principal, invocation),
      () => new NotFoundError('Invocation', invocationId),
    );
  }
}

// Not mapping generators: those would hold back a client's `complete` until the next event.
const mapLines = (lines: AsyncIterable<StreamedLogLine>): AsyncGenerator<LogLineModel> =>
  mapStream(lines, (line) => toLogLineModel(line.invocationId, line, line.droppedBefore));

const mapInvocations = (records: AsyncIterable<InvocationRecord>): AsyncGenerator<InvocationModel> =>
  mapStream(records, (record) => toInvocationModel(record, false));
