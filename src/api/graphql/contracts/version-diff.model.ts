import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '@/api/graphql/scalars/json.scalar.js';

@ObjectType('CodeDiff', { description: 'The code of two versions compared.' })
export class CodeDiffModel {
  @Field({ description: 'The same code (same sha256).' })
  identical: boolean;

  @Field()
  fromHash: string;

  @Field()
  toHash: string;

  @Field(() => Int)
  fromSizeBytes: number;

  @Field(() => Int)
  toSizeBytes: number;

  @Field(() => String, {
    nullable: true,
    description: 'A unified line diff of the two sources (empty when identical); null when either is an archive (compare the hashes and sizes).',
  })
  unified: string | null;
}

@ObjectType('ConfigChange', { description: 'A setting that differs, by its path in the registration document.' })
export class ConfigChangeModel {
  @Field({ description: 'e.g. executionConfig.timeout, metadata.dependencies.lodash' })
  path: string;

  @Field(() => JSONScalar, { nullable: true })
  before: unknown;

  @Field(() => JSONScalar, { nullable: true })
  after: unknown;
}

@ObjectType('ContractChange', { description: "A difference between two versions' contracts." })
export class ContractChangeModel {
  @Field({ description: 'The part (input, query, output), then property names (`[]` for array items), e.g. input/size/width.' })
  path: string;

  @Field({ description: 'PROPERTY_REMOVED, REQUIRED_ADDED, TYPE_NARROWED, ENUM_VALUES_REMOVED, BOUND_TIGHTENED, SCHEMA_ADDED, …' })
  kind: string;

  @Field({ description: 'Whether it breaks callers of the older version (refused at registration without a major bump or allowBreakingChanges).' })
  breaking: boolean;

  @Field()
  message: string;
}

@ObjectType('VersionDiff', { description: 'What changed from one version of a function to another: code, settings and contract.' })
export class VersionDiffModel {
  @Field(() => ID)
  functionId: string;

  @Field()
  from: string;

  @Field()
  to: string;

  @Field(() => CodeDiffModel, { nullable: true, description: "Null when you may not read the function's code (see codeUnavailableReason)." })
  code: CodeDiffModel | null;

  @Field(() => String, { nullable: true })
  codeUnavailableReason: string | null;

  @Field(() => [ConfigChangeModel], { description: 'Settings that differ (variable names only: values stay sealed).' })
  config: ConfigChangeModel[];

  @Field(() => [ContractChangeModel])
  contract: ContractChangeModel[];
}
