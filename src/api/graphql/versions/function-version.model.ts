import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { StringMapScalar } from '@/api/graphql/scalars/json.scalar.js';
import { LanguageEnum } from '@/api/graphql/functions/language.enum.js';
import { BuildStatusEnum } from './build-status.enum.js';
import { CodeFormatEnum } from './code-format.enum.js';
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

  @Field({ description: 'sha256 (hex) of the code as registered: the source, or the archive.' })
  codeHash: string;

  @Field(() => Int, { description: 'Bytes of the code as registered (an archive: its encoded size, not what it unpacks to).' })
  codeSizeBytes: number;

  @Field(() => CodeFormatEnum, { description: 'How the code is packed; `code` returns it the same way.' })
  codeFormat: CodeFormatEnum;

  @Field(() => String, { nullable: true, description: "The entry point registered (e.g. src/app.handler); null: the language's default." })
  handler: string | null;

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
