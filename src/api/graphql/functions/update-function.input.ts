import { Field, InputType } from '@nestjs/graphql';
import { FunctionScheduleInput } from '@/api/graphql/schedules/function-schedule.input.js';
import { CodeFormatEnum } from '@/api/graphql/versions/code-format.enum.js';
import { ContractInput } from '@/api/graphql/contracts/contract.input.js';
import { LanguageEnum } from './language.enum.js';
import { ExecutionConfigInput, FunctionMetadataInput } from './register-function.input.js';

@InputType({ description: 'Creates a new version; omitted fields keep the values of the latest version.' })
export class UpdateFunctionInput {
  @Field({ nullable: true })
  description?: string;

  @Field(() => LanguageEnum, { nullable: true })
  language?: LanguageEnum;

  @Field({ nullable: true })
  runtime?: string;

  @Field({ nullable: true, description: 'Source code, or an archive of a folder (see codeFormat), base64-encoded.' })
  code?: string;

  @Field(() => CodeFormatEnum, { nullable: true, description: 'How code is packed (default SOURCE); only with code.' })
  codeFormat?: CodeFormatEnum;

  @Field({ nullable: true, description: "Entry point (see RegisterFunctionInput.handler); omitted: the latest version's." })
  handler?: string;

  @Field({ nullable: true })
  version?: string;

  @Field(() => FunctionMetadataInput, { nullable: true })
  metadata?: FunctionMetadataInput;

  @Field(() => ExecutionConfigInput, { nullable: true })
  executionConfig?: ExecutionConfigInput;

  @Field(() => [FunctionScheduleInput], { nullable: true, description: 'Replaces all cron triggers (an empty list removes them).' })
  schedules?: FunctionScheduleInput[];

  @Field(() => ContractInput, { nullable: true, description: "Omitted: the latest version's contract; one without any schema removes it." })
  contract?: ContractInput;

  @Field({ nullable: true, description: 'See RegisterFunctionInput.allowBreakingChanges.' })
  allowBreakingChanges?: boolean;
}
