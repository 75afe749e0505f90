import { Field, InputType } from '@nestjs/graphql';
import { JSONSchemaScalar } from '@/api/graphql/scalars/json-schema.scalar.js';
import { ContractOutputModeEnum } from './contract-output-mode.enum.js';

@InputType({
  description:
    "JSON Schemas (2020-12) a version's requests and results must match: requests that do not are refused with 400 before any sandbox starts. Each omitted schema accepts anything.",
})
export class ContractInput {
  @Field(() => JSONSchemaScalar, { nullable: true, description: 'The request body, parsed as JSON.' })
  input?: Record<string, unknown>;

  @Field(() => JSONSchemaScalar, {
    nullable: true,
    description: 'The query string as an object of strings (lists for repeated names), coerced to the types the schema names.',
  })
  query?: Record<string, unknown>;

  @Field(() => JSONSchemaScalar, { nullable: true, description: 'The result: a 2xx response body parsed as JSON, or the value the handler returned.' })
  output?: Record<string, unknown>;

  @Field(() => ContractOutputModeEnum, { nullable: true, description: 'What an output that does not match does (default FLAG).' })
  outputMode?: ContractOutputModeEnum;
}
