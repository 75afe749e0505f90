import { Field, ID, ObjectType } from '@nestjs/graphql';
import { LanguageEnum } from '@/api/graphql/functions/language.enum.js';
import { ExecutorKindEnum } from './executor-kind.enum.js';

@ObjectType('Runtime', { description: 'A language runtime functions can be registered for.' })
export class RuntimeModel {
  @Field(() => ID, { description: 'Canonical id, as stored on functions (e.g. `nodejs24`).' })
  id: string;

  @Field(() => [LanguageEnum])
  languages: LanguageEnum[];

  @Field({ description: "Whether this server's executor can start it now (interpreter installed, or image present)." })
  available: boolean;

  @Field(() => ExecutorKindEnum, { description: 'The executor that would run it.' })
  executor: ExecutorKindEnum;

  @Field({ description: 'End of life: listed only while installed; existing functions run, new registrations are warned in their build log.' })
  deprecated: boolean;

  @Field(() => String, { nullable: true, description: 'Why it is deprecated and what to use instead.' })
  deprecationReason: string | null;
}
