import { Field, ID, ObjectType } from '@nestjs/graphql';
import type { FunctionScheduleRecord } from '@/modules/functions/function.record.js';
import { FunctionEndpointsModel } from './function-endpoints.model.js';
import { FunctionPermissionsModel } from './function-permissions.model.js';
import { LanguageEnum } from './language.enum.js';

@ObjectType('Function', { description: 'A registered function. Its code and settings live on its versions.' })
export class FunctionModel {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field()
  description: string;

  @Field(() => LanguageEnum)
  language: LanguageEnum;

  @Field()
  runtime: string;

  @Field(() => FunctionEndpointsModel)
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
