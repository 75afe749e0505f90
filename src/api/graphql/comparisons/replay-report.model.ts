import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { InvocationStatusEnum } from '@/api/graphql/invocations/invocation-enums.js';
import { ComparisonDifferenceEnum, ComparisonOutcomeEnum } from './comparison-enums.js';

@ObjectType('HeaderDifference', { description: 'A response header whose values differ (null: absent on that side).' })
export class HeaderDifferenceModel {
  @Field()
  name: string;

  @Field(() => String, { nullable: true })
  before: string | null;

  @Field(() => String, { nullable: true })
  after: string | null;
}

@ObjectType('ReplayItem', { description: 'One recorded invocation run again, and what differed ("before": the original; "after": the replay).' })
export class ReplayItemModel {
  @Field(() => ID)
  originalId: string;

  @Field(() => ID, { nullable: true, description: 'The REPLAY invocation (its `comparedWith` is the original); null when skipped or refused.' })
  replayId: string | null;

  @Field(() => ComparisonOutcomeEnum)
  outcome: ComparisonOutcomeEnum;

  @Field(() => String, { nullable: true, description: 'Why it was skipped or failed.' })
  reason: string | null;

  @Field(() => String, { nullable: true, description: 'The version the original ran.' })
  originalVersion: string | null;

  @Field(() => [ComparisonDifferenceEnum])
  differences: ComparisonDifferenceEnum[];

  @Field(() => InvocationStatusEnum, { nullable: true })
  statusBefore: InvocationStatusEnum | null;

  @Field(() => InvocationStatusEnum, { nullable: true })
  statusAfter: InvocationStatusEnum | null;

  @Field(() => String, { nullable: true, description: 'The error type of a failed original (`FunctionError`, `Timeout`, …).' })
  errorTypeBefore: string | null;

  @Field(() => String, { nullable: true })
  errorTypeAfter: string | null;

  @Field(() => Int, { nullable: true, description: 'The HTTP status code the result means (successful results only).' })
  statusCodeBefore: number | null;

  @Field(() => Int, { nullable: true })
  statusCodeAfter: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Null when the bodies were not compared (see `bodyNote`).' })
  bodyEqual: boolean | null;

  @Field(() => String, { nullable: true, description: '`json` (structurally), `text` (byte for byte), `binary` (by SHA-256) or `none`.' })
  bodyFormat: string | null;

  @Field(() => [String], { description: 'JSON paths that differ (`$.price`, `$.items[2]`), at most 20.' })
  bodyDifferences: string[];

  @Field(() => String, { nullable: true })
  bodyNote: string | null;

  @Field(() => String, { nullable: true, description: 'The original body, cut to 4096 characters.' })
  bodyBefore: string | null;

  @Field(() => String, { nullable: true, description: 'The replay body, cut to 4096 characters.' })
  bodyAfter: string | null;

  @Field(() => [HeaderDifferenceModel])
  headerDifferences: HeaderDifferenceModel[];

  @Field(() => Float, { nullable: true })
  durationMsBefore: number | null;

  @Field(() => Float, { nullable: true })
  durationMsAfter: number | null;

  @Field(() => [String], { description: 'Headers stored as `[redacted]` (credentials): the replay sent them so, which may explain a difference.' })
  redactedHeaders: string[];
}

@ObjectType('ReplayReport', { description: 'Recorded invocations run again on `targetVersion`, item by item, with totals.' })
export class ReplayReportModel {
  @Field(() => ID)
  functionId: string;

  @Field()
  targetVersion: string;

  @Field(() => [ReplayItemModel])
  items: ReplayItemModel[];

  @Field(() => Int)
  identical: number;

  @Field(() => Int)
  different: number;

  @Field(() => Int)
  failed: number;

  @Field(() => Int)
  skipped: number;
}
