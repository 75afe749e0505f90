import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType('EnvironmentVariable')
export class EnvironmentVariableModel {
  @Field()
  name: string;

  @Field({ description: 'A secret value is never returned.' })
  secret: boolean;

  @Field(() => String, { nullable: true, description: 'Null for secrets, and for callers who may not read the code.' })
  value: string | null;
}
