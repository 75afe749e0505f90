import { Field, InputType } from '@nestjs/graphql';

@InputType()
export class AuditFilterInput {
  @Field({ nullable: true, description: 'e.g. function.register.' })
  action?: string;

  @Field({ nullable: true })
  actorId?: string;

  @Field({ nullable: true })
  targetId?: string;

  @Field({ nullable: true, description: 'Inclusive.' })
  since?: Date;

  @Field({ nullable: true, description: 'Exclusive.' })
  until?: Date;
}
