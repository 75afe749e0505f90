import { Field, ID, ObjectType } from '@nestjs/graphql';
import { BuildStatusEnum } from './build-status.enum.js';

@ObjectType('BuildLogLine', { description: 'A line of a dependency build, or (message null) its outcome, which comes last.' })
export class BuildLogLineModel {
  @Field(() => ID)
  versionId: string;

  @Field(() => String, { nullable: true })
  message: string | null;

  @Field(() => BuildStatusEnum)
  status: BuildStatusEnum;
}
