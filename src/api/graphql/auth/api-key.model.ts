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

  @Field(() => ID, {
    nullable: true,
    description:
      'The API key this key was minted with (null: minted with a JWT, or the bootstrap key). Revoking that key revokes this one, also when an admin minted it for another owner.',
  })
  createdByKeyId: string | null;

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
