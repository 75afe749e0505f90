import { Args, Context, ID, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLContext } from '@/api/graphql/graphql-context.js';
import { FunctionModel } from '@/api/graphql/functions/function.model.js';
import { AliasesService } from '@/modules/aliases/aliases.service.js';
import { toFunctionAliasModel } from './alias.mapper.js';
import { FunctionAliasModel } from './function-alias.model.js';
import { SetAliasInput } from './set-alias.input.js';

@Resolver(() => FunctionAliasModel)
export class AliasesResolver {
  constructor(private readonly aliases: AliasesService) {}

  @Mutation(() => FunctionAliasModel, {
    description:
      'Creates or replaces an alias of a function (whoever may manage it); takes effect on the next call, on every node. Audited (`alias.set`, with the alias before and after).',
  })
  async setAlias(@Context() ctx: GraphQLContext, @Args('input') input: SetAliasInput): Promise<FunctionAliasModel> {
    const { shadow, ...rest } = input;
    // Plain objects: the validation is strict about what it is given, and the input classes carry no extra keys.
    const plain = {
      functionId: rest.functionId,
      name: rest.name,
      routes: rest.routes.map((route) => ({ version: route.version, weight: route.weight })),
      shadow: shadow ? { version: shadow.version, percent: shadow.percent } : null,
    };
    return toFunctionAliasModel(await this.aliases.set(ctx.actor, plain));
  }

  @Mutation(() => Boolean, {
    description:
      'Removes an alias (whoever may manage the function): `/fn/<name>@<alias>` answers 404 from the next call; without `default`, `/fn/<name>` runs the latest version. False when there was none.',
  })
  async deleteAlias(@Context() ctx: GraphQLContext, @Args('functionId', { type: () => ID }) functionId: string, @Args('name') name: string): Promise<boolean> {
    return this.aliases.delete(ctx.actor, functionId, name);
  }
}

/** `Function.aliases`, batched per request. */
@Resolver(() => FunctionModel)
export class FunctionAliasesFieldsResolver {
  @ResolveField(() => [FunctionAliasModel], { description: 'Its aliases by name (kept, and readable, after the function is deleted).' })
  async aliases(@Parent() fn: FunctionModel, @Context() ctx: GraphQLContext): Promise<FunctionAliasModel[]> {
    return (await ctx.loaders.aliasesByFunctionId.load(fn.id)).map(toFunctionAliasModel);
  }
}
