import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType('FunctionAccess', {
  description: 'What the caller may do with one function (the same policy the operations enforce), so clients show only the controls that will work.',
})
export class FunctionAccessModel {
  @Field({ description: 'Run it (GraphQL invokeFunction or its HTTP endpoints).' })
  invoke: boolean;

  @Field({ description: 'Read every caller’s invocations and logs, and its metrics (others see only their own invocations).' })
  readInvocations: boolean;

  @Field({ description: 'Read the code and the values of non-secret environment variables.' })
  readCode: boolean;

  @Field({ description: 'Register new versions, change settings and permissions, delete it.' })
  manage: boolean;
}
