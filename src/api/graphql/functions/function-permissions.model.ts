import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType('FunctionPermissions', { description: 'Access to one function beyond its owner and administrators (see the README’s role matrix).' })
export class FunctionPermissionsModel {
  @Field({ description: 'Invocable without credentials.' })
  public: boolean;

  @Field(() => [String], { description: 'User ids that may see the function, read its invocations and logs, and invoke it (as developer or invoker).' })
  allowedUsers: string[];

  @Field(() => [String], { description: 'Roles whose holders may see and invoke the function.' })
  executionRoles: string[];
}
