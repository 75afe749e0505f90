import { Args, ID, Int, Resolver, Subscription } from '@nestjs/graphql';
import { ValidationError } from '@/common/errors/domain-error.js';
import { mapStream } from '@/common/streams/async-streams.js';
import { FunctionsService } from '@/modules/functions/functions.service.js';
import { InvocationFeedService } from './invocation-feed.service.js';
import { InvocationLogsService, type StreamedLogLine } from './invocation-logs.service.js';
import { toInvocationModel, toLogLineModel } from './invocation.mapper.js';
import type { InvocationRecord } from './invocation.record.js';
import { InvocationsService } from './invocations.service.js';
import { FunctionMetricsService } from './metrics/function-metrics.service.js';
import { FunctionMetricsModel } from './models/function-metrics.model.js';
import { InvocationModel } from './models/invocation.model.js';
import { LogLineModel } from './models/log-line.model.js';

const passThrough = <T>(value: T) => value;

/**
 * Live views of invocations. Existence is checked before the stream starts, so an
 * unknown id is an error result rather than a stream that breaks.
 */
@Resolver()
export class InvocationSubscriptionsResolver {
  constructor(
    private readonly invocations: InvocationsService,
    private readonly functions: FunctionsService,
    private readonly logs: InvocationLogsService,
    private readonly feed: InvocationFeedService,
    private readonly metrics: FunctionMetricsService,
  ) {}

  @Subscription(() => LogLineModel, {
    description: 'Lines of one invocation: those already printed (after `fromSeq`), then live ones until it ends.',
    resolve: passThrough,
  })
  async invocationLogs(
    @Args('invocationId', { type: () => ID }) invocationId: string,
    @Args('fromSeq', { type: () => Int, nullable: true, defaultValue: 0 }) fromSeq: number,
  ): Promise<AsyncIterable<LogLineModel>> {
    await this.invocations.getById(invocationId);
    return mapLines(this.logs.stream(invocationId, fromSeq));
  }

  @Subscription(() => LogLineModel, { description: 'Lines of every invocation of a function, from now on.', resolve: passThrough })
  async functionLogs(@Args('functionId', { type: () => ID }) functionId: string): Promise<AsyncIterable<LogLineModel>> {
    await this.functions.getActive(functionId);
    return mapLines(this.logs.functionStream(functionId));
  }

  @Subscription(() => InvocationModel, {
    description: 'Status transitions: of one invocation (its current state first, until it ends), or of every invocation of a function.',
    resolve: passThrough,
  })
  async invocationUpdated(
    @Args('invocationId', { type: () => ID, nullable: true }) invocationId: string | null,
    @Args('functionId', { type: () => ID, nullable: true }) functionId: string | null,
  ): Promise<AsyncIterable<InvocationModel>> {
    if ((invocationId == null) === (functionId == null)) {
      throw new ValidationError('Give exactly one of invocationId and functionId', [{ field: 'invocationId', message: 'or functionId' }]);
    }
    if (invocationId != null) {
      await this.invocations.getById(invocationId);
      return mapInvocations(this.feed.ofInvocation(invocationId));
    }
    await this.functions.getActive(functionId as string);
    return mapInvocations(this.feed.ofFunction(functionId as string));
  }

  @Subscription(() => FunctionMetricsModel, {
    description: 'Rolling-window metrics of a function across all nodes, every `intervalSeconds`.',
    resolve: passThrough,
  })
  async functionMetrics(
    @Args('functionId', { type: () => ID }) functionId: string,
    @Args('windowSeconds', { type: () => Int, nullable: true, defaultValue: 60 }) windowSeconds: number,
    @Args('intervalSeconds', { type: () => Int, nullable: true, defaultValue: 1 }) intervalSeconds: number,
  ): Promise<AsyncIterable<FunctionMetricsModel>> {
    if (windowSeconds < 1 || windowSeconds > 3600) throw new ValidationError('windowSeconds must be 1 to 3600', [{ field: 'windowSeconds', message: '1 to 3600' }]);
    if (intervalSeconds < 1 || intervalSeconds > 60) throw new ValidationError('intervalSeconds must be 1 to 60', [{ field: 'intervalSeconds', message: '1 to 60' }]);
    await this.functions.getActive(functionId);
    return this.metrics.stream(functionId, windowSeconds, intervalSeconds * 1000);
  }
}

// Not mapping generators: those would hold back a client's `complete` until the next event.
const mapLines = (lines: AsyncIterable<StreamedLogLine>): AsyncGenerator<LogLineModel> =>
  mapStream(lines, (line) => toLogLineModel(line.invocationId, line, line.droppedBefore));

const mapInvocations = (records: AsyncIterable<InvocationRecord>): AsyncGenerator<InvocationModel> =>
  mapStream(records, (record) => toInvocationModel(record, false));
