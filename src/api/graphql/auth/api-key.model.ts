import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType('ApiKey', { description: 'An API key; its secret is shown only once, by createApiKey.' })
export class ApiKeyModel {
  @Field(() => ID)
  id: string;

  @Field({ description: 'The public part of the token: fng_<prefix>_…' })
  prefix: string;

  @Field()
  name: string;

  @Field({ description: 'The user the key acts as.' })
  ownerId: string;

  @Field(() => [String])
  roles: string[];

  @Field()
  createdAt: Date;

  @Field(() => String, { nullable: true })
  createdBy: string | null;

  @Field(() => Date, { nullable: true })
  expiresAt: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'Updated at most once a minute.' })
  lastUsedAt: Date | null;
}

@ObjectType('CreatedApiKey')
export class CreatedApiKeyModel {
  @Field(() => ApiKeyModel)
  apiKey: ApiKeyModel;

  @Field({ description: 'The whole key. Shown only here, once: it is stored hashed.' })
  secret: string;
}

@ObjectType('Principal', { description: 'Who the server takes the caller for.' })
export class PrincipalModel {
  @Field({ description: 'apiKey, jwt or anonymous.' })
  kind: string;

  @Field(() => String, { nullable: true, description: 'User id; null when anonymous.' })
  subject: string | null;

  @Field(() => [String])
  roles: string[];

  @Field(() => Date, { nullable: true })
  expiresAt: Date | null;
}
