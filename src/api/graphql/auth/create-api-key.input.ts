import { Field, InputType } from '@nestjs/graphql';

@InputType()
export class CreateApiKeyInput {
  @Field({ description: 'What the key is for (1 to 100 characters).' })
  name: string;

  @Field(() => [String], { description: 'Roles of the key: admin, developer, invoker, viewer. Non-admins may only grant roles they hold.' })
  roles: string[];

  @Field({ nullable: true, description: 'The user the key acts as; yourself when omitted. Only admins may name another user.' })
  ownerId?: string;

  @Field({ nullable: true, description: 'When the key stops working; never when omitted.' })
  expiresAt?: Date;
}
