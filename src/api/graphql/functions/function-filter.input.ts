import { Field, InputType } from '@nestjs/graphql';
import { LanguageEnum } from './language.enum.js';

@InputType()
export class FunctionFilterInput {
  @Field({ nullable: true })
  namePrefix?: string;

  @Field({ nullable: true, description: 'Functions carrying this exact tag.' })
  tag?: string;

  @Field(() => LanguageEnum, { nullable: true })
  language?: LanguageEnum;
}
