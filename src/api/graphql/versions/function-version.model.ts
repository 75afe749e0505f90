import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { StringMapScalar } from '@/api/graphql/scalars/json.scalar.js';
import { LanguageEnum } from '@/api/graphql/functions/language.enum.js';
import { BuildStatusEnum } from './build-status.enum.js';
import { ExecutionConfigModel } from './execution-config.model.js';

@ObjectType('FunctionVersion', { description: 'An immutable version of a function.' })
export class FunctionVersionModel {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  functionId: string;

  @Field({ description: 'Semantic version.' })
  version: string;

  @Field(() => Int, { description: '1 for the first version, then +1.' })
  sequence: number;

  @Field(() => LanguageEnum)
  language: LanguageEnum;

  @Field()
  runtime: string;

  @Field({ description: 'sha256 (hex) of the source code.' })
  codeHash: string;

  @Field(() => Int)
  codeSizeBytes: number;

  @Field(() => StringMapScalar)
  dependencies: Record<string, string>;

  @Field(() => ExecutionConfigModel)
  executionConfig: ExecutionConfigModel;

  @Field(() => BuildStatusEnum)
  buildStatus: BuildStatusEnum;

  @Field()
  buildLog: string;

  @Field(() => String, { nullable: true })
  author: string | null;

  @Field()
  createdAt: Date;
}
