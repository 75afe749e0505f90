import { Field, ID, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '@/api/graphql/scalars/json.scalar.js';

@ObjectType('FunctionSchedule', { description: 'A cron trigger: each tick runs the function once (across all nodes) as an invocation with trigger SCHEDULE.' })
export class FunctionScheduleModel {
  @Field(() => ID, { description: 'Unique within the function.' })
  id: string;

  @Field({ description: 'Five fields, or six with seconds first.' })
  cron: string;

  @Field({ description: 'IANA time zone the expression is read in.' })
  timezone: string;

  @Field(() => JSONScalar, { nullable: true, description: 'The event body of each run; null also for those who may not read the code.' })
  payload: unknown;

  @Field()
  enabled: boolean;

  @Field(() => Date, { nullable: true, description: 'The next tick; null when disabled or when it never fires again.' })
  nextRunAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'The tick of the last run (its scheduled time).' })
  lastRunAt: Date | null;

  @Field(() => ID, { nullable: true, description: 'The invocation the last run started.' })
  lastInvocationId: string | null;

  @Field(() => String, { nullable: true, description: 'Why the last run could not start, if it could not.' })
  lastError: string | null;
}
