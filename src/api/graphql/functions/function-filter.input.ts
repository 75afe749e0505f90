import { Field, InputType } from '@nestjs/graphql';
import { LanguageEnum } from './language.enum.js';

@InputType({ description: 'Narrows `functions`; every field given must match.' })
export class FunctionFilterInput {
  @Field({ nullable: true, description: 'Names starting with this text (literally, case-sensitive).' })
  namePrefix?: string;

  @Field({ nullable: true, description: 'Functions carrying this exact tag.' })
  tag?: string;

  @Field(() => LanguageEnum, { nullable: true, description: 'Functions whose latest version is in this language.' })
  language?: LanguageEnum;
}
