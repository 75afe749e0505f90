import { Field, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '@/api/graphql/scalars/json.scalar.js';
import { ContractOutputModeEnum } from './contract-output-mode.enum.js';

@ObjectType('FunctionContract', { description: 'The JSON Schemas (2020-12) a version declared; null ones accept anything.' })
export class FunctionContractModel {
  @Field(() => JSONScalar, { nullable: true, description: 'The request body, parsed as JSON.' })
  input: Record<string, unknown> | null;

  @Field(() => JSONScalar, { nullable: true, description: 'The query string, as an object.' })
  query: Record<string, unknown> | null;

  @Field(() => JSONScalar, { nullable: true, description: 'The result.' })
  output: Record<string, unknown> | null;

  @Field(() => ContractOutputModeEnum)
  outputMode: ContractOutputModeEnum;
}
