import { Field, InputType } from '@nestjs/graphql';
import { JSONScalar } from '@/api/graphql/scalars/json.scalar.js';

// Checked by the document schema (`schedules.validation.ts`) shared with the REST endpoint.
@InputType()
export class FunctionScheduleInput {
  @Field({ nullable: true, description: 'Unique within the function; derived from cron and timezone when omitted.' })
  id?: string;

  @Field({ description: 'Five fields (minute first), or six with seconds first, e.g. "0 3 * * *".' })
  cron: string;

  @Field({ nullable: true, description: 'IANA time zone, default UTC.' })
  timezone?: string;

  @Field(() => JSONScalar, { nullable: true, description: 'The event body of each run: a string as is, anything else as JSON.' })
  payload?: unknown;

  @Field({ nullable: true, description: 'Default true.' })
  enabled?: boolean;
}
