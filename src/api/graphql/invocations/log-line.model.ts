import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { LogStreamEnum } from './invocation-enums.js';

@ObjectType('LogLine', { description: 'One line of output, numbered from 1 without gaps per invocation.' })
export class LogLineModel {
  @Field(() => ID)
  invocationId: string;

  @Field(() => Int, { description: 'Position in the invocation’s output, from 1; resume a subscription with `fromSeq`.' })
  seq: number;

  @Field({ description: 'When the line was written.' })
  timestamp: Date;

  @Field(() => LogStreamEnum)
  stream: LogStreamEnum;

  @Field({ description: 'The line, without its line break.' })
  message: string;

  @Field(() => Int, { description: 'Lines this subscriber missed just before this one because it fell too far behind; usually 0.' })
  droppedBefore: number;
}
