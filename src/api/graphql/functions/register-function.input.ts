import { Field, InputType, Int } from '@nestjs/graphql';
import { EnvironmentVariablesScalar, StringMapScalar } from '@/api/graphql/scalars/json.scalar.js';
import { FunctionScheduleInput } from '@/api/graphql/schedules/function-schedule.input.js';
import { CodeFormatEnum } from '@/api/graphql/versions/code-format.enum.js';
import { ContractInput } from '@/api/graphql/contracts/contract.input.js';
import { LanguageEnum } from './language.enum.js';

// These inputs mirror the spec's JSON document so that a document can be sent as
// GraphQL variables unchanged. Patterns, ranges and sizes are checked by the one
// document schema (`function-document.schema.ts`) shared with the REST endpoint.

@InputType({ description: 'Who besides the owner and admins may see and invoke the function; omitted fields keep their values on update.' })
export class FunctionPermissionsInput {
  @Field({ nullable: true })
  public?: boolean;

  @Field(() => [String], { nullable: true })
  allowedUsers?: string[];

  @Field(() => [String], { nullable: true })
  executionRoles?: string[];
}

@InputType({ description: 'Author, tags, dependencies and permissions of a registration document.' })
export class FunctionMetadataInput {
  @Field({ nullable: true, description: 'Ignored (set by the server); accepted for exported documents.' })
  createdAt?: string;

  @Field({ nullable: true, description: 'Ignored (set by the server); accepted for exported documents.' })
  updatedAt?: string;

  @Field({ nullable: true })
  author?: string;

  @Field(() => [String], { nullable: true })
  tags?: string[];

  @Field(() => StringMapScalar, { nullable: true, description: 'npm or pip package → version spec.' })
  dependencies?: Record<string, string>;

  @Field(() => FunctionPermissionsInput, { nullable: true })
  permissions?: FunctionPermissionsInput;
}

@InputType({ description: 'Runs of a queued (async) invocation that fails.' })
export class RetryPolicyInput {
  @Field(() => Int, { nullable: true, description: 'Runs in all, the first included: 1 to 10 (default 3; 1: no retry).' })
  attempts?: number;

  @Field(() => Int, { nullable: true, description: 'Seconds before the second run, doubled before each next one: 0 to 3600 (default 1).' })
  backoffSeconds?: number;
}

@InputType({
  description: "Functions (by name) invoked, queued, with the outcome of a queued invocation. null: none; omitted: none, or on update the latest version's.",
})
export class AsyncDestinationsInput {
  @Field(() => String, { nullable: true })
  onSuccess?: string | null;

  @Field(() => String, { nullable: true })
  onFailure?: string | null;
}

@InputType({ description: 'Outbound network access (off by default). See README, "Network access (egress)".' })
export class NetworkConfigInput {
  @Field()
  enabled: boolean;

  @Field(() => [String], {
    nullable: true,
    description: 'Destinations allowed: host, host:port, *.domain:port, CIDR, CIDR:port, [v6]:port; without a port: 80 and 443.',
  })
  allow?: string[];
}

@InputType({ description: 'Limits, environment and async policy of the new version; omitted fields keep the latest version’s on update.' })
export class ExecutionConfigInput {
  @Field(() => Int, { nullable: true, description: 'Seconds.' })
  timeout?: number;

  @Field(() => Int, { nullable: true, description: 'Megabytes.' })
  memoryLimit?: number;

  @Field(() => EnvironmentVariablesScalar, { nullable: true })
  environmentVariables?: Record<string, unknown>;

  @Field(() => Int, { nullable: true, description: 'Sandboxes kept warm on each server node (default 0).' })
  minInstances?: number;

  @Field(() => Int, { nullable: true, description: 'Most sandboxes at once on each server node (default FNGRAPH_MAX_INSTANCES_PER_FUNCTION).' })
  maxInstances?: number;

  @Field(() => Int, {
    nullable: true,
    description:
      'Invocations one sandbox serves at once: 1 to 1000 (default 1). JavaScript and TypeScript only; see the README, "Concurrency inside a sandbox".',
  })
  concurrency?: number;

  @Field(() => RetryPolicyInput, { nullable: true })
  retry?: RetryPolicyInput;

  @Field(() => Int, {
    nullable: true,
    description: 'Seconds a queued invocation may wait before it is dead-lettered instead of run: 60 to 86400 (default 21600); null: no limit.',
  })
  maxEventAgeSeconds?: number | null;

  @Field(() => AsyncDestinationsInput, { nullable: true })
  destinations?: AsyncDestinationsInput;

  @Field(() => String, {
    nullable: true,
    description:
      'How the handler is called and its result read: native (default), web (a function taking a Web Request), node-http (an Express-style (req, res) handler), aws-apigw-v1 or aws-apigw-v2 (Lambda behind API Gateway). See the README, "Functions".',
  })
  eventFormat?: string;
  @Field(() => NetworkConfigInput, { nullable: true, description: 'Replaces the whole network setting when present.' })
  network?: NetworkConfigInput;
}

@InputType({
  description: 'The function document (as `POST /functions/register` takes it): a new function, or a new version of an existing one of that name.',
})
export class RegisterFunctionInput {
  @Field({ nullable: true, description: 'Ignored (ids are assigned by the server); accepted for exported documents.' })
  id?: string;

  @Field({ description: 'Unique, URL-safe: the function answers at `/fn/<name>`. An existing name gets a new version.' })
  name: string;

  @Field({ nullable: true, description: 'Free text shown in listings and documents.' })
  description?: string;

  @Field(() => LanguageEnum)
  language: LanguageEnum;

  @Field({
    nullable: true,
    description: 'e.g. nodejs24, nodejs22, python3.11 (nodejs, node: the newest installed Node.js); defaults to the newest installed runtime of the language.',
  })
  runtime?: string;

  @Field({ description: 'Source code, or an archive of a folder (see codeFormat), base64-encoded.' })
  code: string;

  @Field(() => CodeFormatEnum, { nullable: true, description: 'How code is packed (default SOURCE).' })
  codeFormat?: CodeFormatEnum;

  @Field({
    nullable: true,
    description:
      'Entry point: <module path without extension>.<export>, e.g. index.lambdaHandler, src/app.handler, main.handle. Default: JS/TS the default export or handler of index; Python handler in handler.py.',
  })
  handler?: string;

  @Field({ nullable: true, description: 'Semantic version; the latest patch + 1 when omitted.' })
  version?: string;

  @Field(() => FunctionMetadataInput, { nullable: true })
  metadata?: FunctionMetadataInput;

  @Field(() => ExecutionConfigInput, { nullable: true })
  executionConfig?: ExecutionConfigInput;

  @Field(() => [FunctionScheduleInput], { nullable: true, description: 'Cron triggers; a registration without them removes existing ones.' })
  schedules?: FunctionScheduleInput[];

  @Field(() => ContractInput, { nullable: true, description: 'JSON Schemas of the input, query and output of this version (none: anything goes).' })
  contract?: ContractInput;

  @Field({
    nullable: true,
    description:
      "Register even though the contract breaks the previous version's (removed or newly required input fields, narrowed types, removed output fields) without a major version bump; audited.",
  })
  allowBreakingChanges?: boolean;
}
