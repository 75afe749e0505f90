import { Field, InputType } from '@nestjs/graphql';
import { FunctionScheduleInput } from '@/api/graphql/schedules/function-schedule.input.js';
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

  @Field({ nullable: true, description: 'Source code, base64-encoded.' })
  code?: string;

  @Field({ nullable: true })
  version?: string;

  @Field(() => FunctionMetadataInput, { nullable: true })
  metadata?: FunctionMetadataInput;

  @Field(() => ExecutionConfigInput, { nullable: true })
  executionConfig?: ExecutionConfigInput;

  @Field(() => [FunctionScheduleInput], { nullable: true, description: 'Replaces all cron triggers (an empty list removes them).' })
  schedules?: FunctionScheduleInput[];
}
