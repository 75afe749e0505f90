import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum CanaryStatusEnum {
  RUNNING = 'RUNNING',
  PROMOTED = 'PROMOTED',
  ROLLED_BACK = 'ROLLED_BACK',
  ABORTED = 'ABORTED',
}

export enum CanaryActionEnum {
  START = 'START',
  ADVANCE = 'ADVANCE',
  PROMOTE = 'PROMOTE',
  ROLLBACK = 'ROLLBACK',
  ABORT = 'ABORT',
}

registerEnumType(CanaryStatusEnum, {
  name: 'CanaryStatus',
  description: 'Where a canary is: RUNNING changes, every other status is final.',
  valuesMap: {
    RUNNING: { description: 'Moving the alias to the candidate step by step.' },
    PROMOTED: { description: 'Every step held: the alias points at the candidate alone.' },
    ROLLED_BACK: { description: 'A step did not hold (see `reason`): the alias points at the stable version alone.' },
    ABORTED: { description: '`abortCanary` (the alias is back on the stable version), or someone changed the alias by hand (left as they set it).' },
  },
});
registerEnumType(CanaryActionEnum, {
  name: 'CanaryAction',
  description: 'What a canary decided.',
  valuesMap: {
    START: { description: 'Started: the alias took the first step’s weights.' },
    ADVANCE: { description: 'The step held: the candidate’s weight moved to the next step.' },
    PROMOTE: { description: 'The last step held: the alias points at the candidate alone.' },
    ROLLBACK: { description: 'The step did not hold: the alias points at the stable version alone.' },
    ABORT: { description: 'Stopped by hand, or because the alias was changed by hand.' },
  },
});

@ObjectType('CanaryWindowStats', { description: 'One version’s calls in a step’s window: what a decision was made on.' })
export class CanaryWindowStatsModel {
  @Field(() => Int, { description: 'Calls that ran (SUCCEEDED, FAILED, TIMED_OUT, OOM_KILLED).' })
  count: number;

  @Field(() => Int, { description: 'Of those, FAILED, TIMED_OUT or OOM_KILLED.' })
  errors: number;

  @Field(() => Float, { description: 'errors / count (0 without calls).' })
  errorRate: number;

  @Field(() => Float, { nullable: true, description: 'The 99th percentile of their durations (nearest rank), in ms; null without calls.' })
  p99DurationMs: number | null;
}

@ObjectType('CanaryDecision', { description: 'One thing a canary did, and why.' })
export class CanaryDecisionModel {
  @Field(() => Date)
  at: Date;

  @Field(() => Int, { description: 'The step (0-based index into `steps`) the decision closed.' })
  step: number;

  @Field(() => Int, { description: 'The candidate’s weight after the decision.' })
  weight: number;

  @Field(() => CanaryActionEnum)
  action: CanaryActionEnum;

  @Field({ description: 'Why, with the figures.' })
  reason: string;

  @Field(() => CanaryWindowStatsModel, {
    nullable: true,
    description: 'The stable version’s calls in the step’s window (since the start when it had none in the step).',
  })
  stable: CanaryWindowStatsModel | null;

  @Field(() => CanaryWindowStatsModel, { nullable: true, description: 'The candidate’s calls in the step’s window.' })
  candidate: CanaryWindowStatsModel | null;
}

@ObjectType('Canary', {
  description:
    'A canary release: an alias’s weight moved from its stable version to a candidate step by step, rolled back by itself when the candidate’s figures do not hold.',
})
export class CanaryModel {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  functionId: string;

  @Field({ description: 'The alias the canary moves.' })
  alias: string;

  @Field({ description: 'The version the alias pointed at when the canary started.' })
  stableVersion: string;

  @Field()
  candidateVersion: string;

  @Field(() => CanaryStatusEnum)
  status: CanaryStatusEnum;

  @Field(() => [Int], { description: 'The candidate’s weight at each step; the last is 100.' })
  steps: number[];

  @Field(() => Int, { description: 'The current step (0-based).' })
  stepIndex: number;

  @Field(() => Int, { description: 'The candidate’s weight now (0 once rolled back or aborted).' })
  weight: number;

  @Field(() => Int)
  stepSeconds: number;

  @Field(() => Int, { description: 'Candidate calls a step needs; with fewer it waits, up to 3 step lengths, then rolls back.' })
  minInvocations: number;

  @Field(() => Float, { description: 'The candidate’s error rate may exceed the stable version’s by at most this.' })
  maxErrorRateIncrease: number;

  @Field(() => Float, { description: 'The candidate’s p99 may be at most this many times the stable version’s.' })
  maxP99Ratio: number;

  @Field(() => Date)
  startedAt: Date;

  @Field(() => Date, { description: 'When the current step began (its window starts here).' })
  stepStartedAt: Date;

  @Field(() => Date, { nullable: true })
  finishedAt: Date | null;

  @Field(() => String, { nullable: true, description: 'Why it was rolled back or aborted.' })
  reason: string | null;

  @Field(() => String, { nullable: true })
  startedBy: string | null;

  @Field(() => [CanaryDecisionModel], { description: 'Every decision, oldest first.' })
  decisions: CanaryDecisionModel[];
}

@InputType('StartCanaryInput')
export class StartCanaryInput {
  @Field(() => ID)
  functionId: string;

  @Field({ description: 'An alias that points at one version: the stable one.' })
  alias: string;

  @Field({ description: 'A READY version of the function.' })
  candidateVersion: string;

  @Field(() => [Int], { nullable: true, description: 'The candidate’s weight at each step, increasing, ending at 100. Default [10, 25, 50, 100].' })
  steps?: number[] | null;

  @Field(() => Int, {
    nullable: true,
    description: 'How long each step lasts before it is judged. Default 60, 5 to 3600 (the minimum is FNGRAPH_CANARY_MIN_STEP_SECONDS).',
  })
  stepSeconds?: number | null;

  @Field(() => Int, { nullable: true, description: 'Candidate calls a step needs; with fewer it waits, up to 3 step lengths, then rolls back. Default 20.' })
  minInvocations?: number | null;

  @Field(() => Float, { nullable: true, description: 'The candidate’s error rate may exceed the stable version’s by at most this (0 to 1). Default 0.05.' })
  maxErrorRateIncrease?: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'The candidate’s p99 may be at most this many times the stable version’s (p99 differences up to FNGRAPH_CANARY_P99_NOISE_FLOOR_MS never count). Default 1.5.',
  })
  maxP99Ratio?: number | null;
}
