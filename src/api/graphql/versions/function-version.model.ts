import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { StringMapScalar } from '@/api/graphql/scalars/json.scalar.js';
import { LanguageEnum } from '@/api/graphql/functions/language.enum.js';
import { BuildStatusEnum } from './build-status.enum.js';
import { CodeFormatEnum } from './code-format.enum.js';
import { ExecutionConfigModel } from './execution-config.model.js';
import { FunctionContractModel } from '@/api/graphql/contracts/function-contract.model.js';

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

  @Field(() => Int, { description: 'Size of the code as registered (decoded), in bytes: for an archive its own size, not what it unpacks to.' })
  codeSizeBytes: number;

  @Field(() => CodeFormatEnum, { description: 'How the code is packed; `code` returns it the same way.' })
  codeFormat: CodeFormatEnum;

  @Field(() => String, { nullable: true, description: "The entry point registered (e.g. src/app.handler); null: the language's default." })
  handler: string | null;

  @Field(() => StringMapScalar, { description: 'Package name → version spec (npm or pip), installed when the version was built.' })
  dependencies: Record<string, string>;

  @Field(() => ExecutionConfigModel, { description: 'Limits, environment and async policy, fixed with the version.' })
  executionConfig: ExecutionConfigModel;

  @Field(() => FunctionContractModel, {
    nullable: true,
    description: 'The JSON Schemas its requests and results must match (see the OpenAPI document too); null: none declared.',
  })
  contract: FunctionContractModel | null;

  @Field(() => BuildStatusEnum)
  buildStatus: BuildStatusEnum;

  @Field({
    description:
      'Output of the dependency install, and why a FAILED version does not load (empty for a version without dependencies that loads); see also the `versionBuildLogs` subscription.',
  })
  buildLog: string;

  @Field(() => String, { nullable: true, description: 'Free-text author of the registration document.' })
  author: string | null;

  @Field({ description: 'When the version was registered.' })
  createdAt: Date;
}
