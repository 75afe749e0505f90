import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { InvocationStatusEnum } from '@/api/graphql/invocations/invocation-enums.js';
import { ComparisonDifferenceEnum, ComparisonOutcomeEnum } from './comparison-enums.js';

@ObjectType('ShadowComparison', {
  description:
    'A call of the alias and its shadow run ("before": what the caller got; "after": the shadow version). Paths and header names only: read the two invocations for the values.',
})
export class ShadowComparisonModel {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'The caller’s invocation.' })
  primaryInvocationId: string;

  @Field(() => ID, { nullable: true, description: 'The SHADOW invocation; null when skipped, or refused before it was recorded.' })
  shadowInvocationId: string | null;

  @Field()
  primaryVersion: string;

  @Field()
  shadowVersion: string;

  @Field(() => ComparisonOutcomeEnum)
  outcome: ComparisonOutcomeEnum;

  @Field(() => [ComparisonDifferenceEnum])
  differences: ComparisonDifferenceEnum[];

  @Field(() => InvocationStatusEnum)
  statusBefore: InvocationStatusEnum;

  @Field(() => InvocationStatusEnum, { nullable: true })
  statusAfter: InvocationStatusEnum | null;

  @Field(() => Int, { nullable: true })
  statusCodeBefore: number | null;

  @Field(() => Int, { nullable: true })
  statusCodeAfter: number | null;

  @Field(() => [String], { description: 'JSON paths that differ, at most 20.' })
  bodyDifferences: string[];

  @Field(() => [String], { description: 'Names of the headers that differ (volatile ones left out), at most 20.' })
  headerDifferences: string[];

  @Field(() => String, { nullable: true, description: 'Why it was skipped or failed, or why the bodies were not compared.' })
  reason: string | null;

  @Field(() => Float, { nullable: true })
  primaryDurationMs: number | null;

  @Field(() => Float, { nullable: true })
  shadowDurationMs: number | null;

  @Field()
  createdAt: Date;
}

@ObjectType('ShadowDifferenceCounts', { description: 'Comparisons that differed, by where (one may count under several).' })
export class ShadowDifferenceCountsModel {
  @Field(() => Int)
  status: number;

  @Field(() => Int)
  statusCode: number;

  @Field(() => Int)
  body: number;

  @Field(() => Int)
  headers: number;
}

@ObjectType('ShadowReport', {
  description:
    'What an alias’s shadow traffic found: counts over every stored comparison of the shadow version, latencies over the latest 1000 compared pairs, and the latest comparisons.',
})
export class ShadowReportModel {
  @Field(() => ID)
  functionId: string;

  @Field()
  alias: string;

  @Field(() => String, { nullable: true, description: 'The shadow version reported on (the alias’s current one unless asked); null: all it shadowed.' })
  shadowVersion: string | null;

  @Field(() => Int, { description: 'Calls whose shadow run was compared (identical + different).' })
  compared: number;

  @Field(() => Int)
  identical: number;

  @Field(() => Int)
  different: number;

  @Field(() => ShadowDifferenceCountsModel)
  differentBy: ShadowDifferenceCountsModel;

  @Field(() => Int, { description: 'Shadow runs the platform refused (throttled, version gone, …).' })
  failed: number;

  @Field(() => Int, { description: 'Calls not shadowed because the node had no room (FNGRAPH_SHADOW_CONCURRENCY, sandbox limits).' })
  skipped: number;

  @Field(() => Int, { description: 'Compared pairs the latencies are taken over.' })
  latencyPairs: number;

  @Field(() => Float, { nullable: true })
  primaryP50Ms: number | null;

  @Field(() => Float, { nullable: true })
  primaryP99Ms: number | null;

  @Field(() => Float, { nullable: true })
  shadowP50Ms: number | null;

  @Field(() => Float, { nullable: true })
  shadowP99Ms: number | null;

  @Field(() => [ShadowComparisonModel], { description: 'The latest, newest first (`first` of them).' })
  comparisons: ShadowComparisonModel[];
}
