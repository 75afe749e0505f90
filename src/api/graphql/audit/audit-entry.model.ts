import { Field, ID, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '@/api/graphql/scalars/json.scalar.js';

@ObjectType('AuditEntry', { description: 'One management action: who did what, when and from where.' })
export class AuditEntryModel {
  @Field(() => ID)
  id: string;

  @Field()
  at: Date;

  @Field(() => String, { nullable: true, description: 'User id of the actor.' })
  actorId: string | null;

  @Field({ description: 'apiKey, jwt or anonymous.' })
  actorKind: string;

  @Field(() => String, { nullable: true, description: 'API key id (or jwt:<subject>) the actor used.' })
  credentialId: string | null;

  @Field({ description: 'e.g. function.register, apiKey.revoke, masterKey.rotate.' })
  action: string;

  @Field()
  targetType: string;

  @Field(() => String, { nullable: true })
  targetId: string | null;

  @Field(() => JSONScalar)
  details: unknown;

  @Field(() => String, { nullable: true })
  ip: string | null;

  @Field(() => String, { nullable: true })
  userAgent: string | null;
}
