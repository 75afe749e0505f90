import { Field, ObjectType } from '@nestjs/graphql';
import { StringMapScalar } from '@/api/graphql/scalars/json.scalar.js';
import { FunctionPermissionsModel } from './function-permissions.model.js';

@ObjectType('FunctionMetadata')
export class FunctionMetadataModel {
  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;

  @Field(() => String, { nullable: true })
  author: string | null;

  @Field(() => [String])
  tags: string[];

  @Field(() => StringMapScalar, { description: 'Dependencies of the latest version.' })
  dependencies: Record<string, string>;

  @Field(() => FunctionPermissionsModel)
  permissions: FunctionPermissionsModel;
}
