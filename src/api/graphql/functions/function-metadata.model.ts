import { Field, ObjectType } from '@nestjs/graphql';
import { StringMapScalar } from '@/api/graphql/scalars/json.scalar.js';
import { FunctionPermissionsModel } from './function-permissions.model.js';

@ObjectType('FunctionMetadata', { description: 'Who registered the function, when, how it is tagged, and who may use it.' })
export class FunctionMetadataModel {
  @Field({ description: 'When the function was first registered.' })
  createdAt: Date;

  @Field({ description: 'When its latest version was registered (or its settings last changed).' })
  updatedAt: Date;

  @Field(() => String, { nullable: true, description: 'Free-text author from the registration document.' })
  author: string | null;

  @Field(() => [String], { description: 'Labels to filter `functions` by.' })
  tags: string[];

  @Field(() => StringMapScalar, { description: 'Dependencies of the latest version.' })
  dependencies: Record<string, string>;

  @Field(() => FunctionPermissionsModel, { description: 'Who besides its owner and admins may see and invoke it.' })
  permissions: FunctionPermissionsModel;
}
