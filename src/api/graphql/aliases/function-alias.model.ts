import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('AliasRoute', { description: 'One version an alias points at, and its share of the calls.' })
export class AliasRouteModel {
  @Field()
  version: string;

  @Field(() => Int, { description: 'Percent of the alias’s calls, 0 to 100; the routes of an alias sum to 100.' })
  weight: number;
}

@ObjectType('AliasShadow', { description: 'A share of the alias’s calls that also runs on another version; callers get only the routed version’s answer.' })
export class AliasShadowModel {
  @Field()
  version: string;

  @Field(() => Float, { description: 'Percent of the alias’s calls also sent to `version`: more than 0, at most 100.' })
  percent: number;
}

@ObjectType('FunctionAlias', {
  description:
    'A named pointer of a function to one version, or to two with weights: `/fn/<name>@<alias>` runs it, `/fn/<name>` follows the alias `default` when there is one.',
})
export class FunctionAliasModel {
  /** Not exposed: the mutations' audit and the resolvers read it. */
  functionId: string;

  @Field({ description: 'Unique per function: lower-case letters, digits and dashes, starting with a letter; never a version, never `latest`.' })
  name: string;

  @Field(() => [AliasRouteModel], { description: 'One or two routes, in the order set (sticky routing keys keep their version while the weights stay).' })
  routes: AliasRouteModel[];

  @Field(() => AliasShadowModel, { nullable: true })
  shadow: AliasShadowModel | null;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date)
  updatedAt: Date;

  @Field(() => String, { nullable: true, description: 'Who set it last (a user id).' })
  updatedBy: string | null;
}
