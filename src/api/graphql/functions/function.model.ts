import { Field, ID, ObjectType } from '@nestjs/graphql';
import type { FunctionScheduleRecord } from '@/modules/functions/function.record.js';
import { FunctionEndpointsModel } from './function-endpoints.model.js';
import { FunctionPermissionsModel } from './function-permissions.model.js';
import { LanguageEnum } from './language.enum.js';

@ObjectType('Function', { description: 'A registered function. Its code and settings live on its versions.' })
export class FunctionModel {
  @Field(() => ID, { description: 'Assigned at registration; never reused.' })
  id: string;

  @Field({ description: 'Unique among functions that are not deleted, URL-safe: the function answers at `/fn/<name>`.' })
  name: string;

  @Field({ description: 'Free text from the latest registration (empty when none was given).' })
  description: string;

  @Field(() => LanguageEnum, { description: 'The language of the latest version.' })
  language: LanguageEnum;

  @Field({ description: 'The runtime of the latest version (see the `runtimes` query).' })
  runtime: string;

  @Field(() => FunctionEndpointsModel, { description: 'The URLs the function answers on, for any HTTP method.' })
  endpoints: FunctionEndpointsModel;

  @Field(() => Date, { nullable: true, description: 'Set once deleted: the endpoints answer 404, history stays readable.' })
  deletedAt: Date | null;

  // Not exposed as such: the field resolvers of `metadata`, `executionConfig` and the
  // version fields read them.
  latestVersionId: string;
  createdAt: Date;
  updatedAt: Date;
  author: string | null;
  tags: string[];
  permissions: FunctionPermissionsModel;
  /** Read by the `schedules` field resolver, which adds their runs. */
  schedules: FunctionScheduleRecord[];
}
