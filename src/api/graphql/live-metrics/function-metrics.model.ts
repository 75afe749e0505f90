import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('FunctionMetrics', { description: 'A function across all server nodes, over a rolling window.' })
export class FunctionMetricsModel {
  @Field(() => ID)
  functionId: string;

  @Field(() => Int, { description: 'Length of the rolling window the figures cover.' })
  windowSeconds: number;

  @Field(() => Int, { description: 'Invocations that finished within the window.' })
  invocations: number;

  @Field(() => Float, { description: '`invocations` divided by `windowSeconds`.' })
  invocationsPerSecond: number;

  @Field(() => Float, { description: 'Share of finished invocations that did not succeed (0 to 1).' })
  errorRate: number;

  @Field(() => Int, { description: 'Invocations within the window that started a sandbox.' })
  coldStarts: number;

  @Field(() => Float, { nullable: true, description: 'Median duration within the window; null without invocations.' })
  p50DurationMs: number | null;

  @Field(() => Float, { nullable: true, description: '95th percentile duration within the window; null without invocations.' })
  p95DurationMs: number | null;

  @Field(() => Float, { nullable: true, description: '99th percentile duration within the window; null without invocations.' })
  p99DurationMs: number | null;

  @Field(() => Int, { description: 'Started sandboxes, idle or busy.' })
  warmInstances: number;

  @Field(() => Int, { description: 'Sandboxes running an invocation now.' })
  busyInstances: number;

  @Field({ description: 'When the figures were taken.' })
  at: Date;
}
