import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('FunctionMetrics', { description: 'A function across all server nodes, over a rolling window.' })
export class FunctionMetricsModel {
  @Field(() => ID)
  functionId: string;

  @Field(() => Int)
  windowSeconds: number;

  @Field(() => Int, { description: 'Invocations that finished within the window.' })
  invocations: number;

  @Field(() => Float)
  invocationsPerSecond: number;

  @Field(() => Float, { description: 'Share of finished invocations that did not succeed (0 to 1).' })
  errorRate: number;

  @Field(() => Int)
  coldStarts: number;

  @Field(() => Float, { nullable: true })
  p50DurationMs: number | null;

  @Field(() => Float, { nullable: true })
  p95DurationMs: number | null;

  @Field(() => Float, { nullable: true })
  p99DurationMs: number | null;

  @Field(() => Int, { description: 'Started sandboxes, idle or busy.' })
  warmInstances: number;

  @Field(() => Int)
  busyInstances: number;

  @Field()
  at: Date;
}
