import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType('FunctionPermissions')
export class FunctionPermissionsModel {
  @Field({ description: 'Invocable without credentials.' })
  public: boolean;

  @Field(() => [String])
  allowedUsers: string[];

  @Field(() => [String])
  executionRoles: string[];
}
