import { Field, Float, ID, InputType, Int } from '@nestjs/graphql';

@InputType({ description: 'A version and its share of the alias’s calls.' })
export class AliasRouteInput {
  @Field()
  version: string;

  @Field(() => Int, { description: '0 to 100; the routes sum to 100.' })
  weight: number;
}

@InputType({ description: 'A share of the alias’s calls that also runs on `version`, unseen by callers.' })
export class AliasShadowInput {
  @Field()
  version: string;

  @Field(() => Float, { description: 'More than 0, at most 100.' })
  percent: number;
}

@InputType({ description: 'The whole alias: setting one replaces it (routes and shadow).' })
export class SetAliasInput {
  @Field(() => ID)
  functionId: string;

  @Field({ description: 'Lower-case letters, digits and dashes, starting with a letter (at most 63); not `latest`.' })
  name: string;

  @Field(() => [AliasRouteInput], { description: 'One or two routes, weights summing to 100; versions that exist and did not fail their build.' })
  routes: AliasRouteInput[];

  @Field(() => AliasShadowInput, { nullable: true, description: 'None when omitted or null.' })
  shadow?: AliasShadowInput | null;
}
