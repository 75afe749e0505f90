import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType('FunctionEndpoints', { description: 'Where the function answers HTTP requests (any method).' })
export class FunctionEndpointsModel {
  @Field({ description: '`/execute/<id>`: stable across renames.' })
  execute: string;

  @Field({ description: '`/fn/<name>`, also answering `/fn/<name>/<any path>`.' })
  http: string;

  @Field({ description: '`/fn/<name>@<version>`: pinned to the latest version as of this response.' })
  httpPinned: string;
}
