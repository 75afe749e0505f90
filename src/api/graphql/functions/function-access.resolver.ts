import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLContext } from '@/api/graphql/graphql-context.js';
import { FunctionAccessPolicy } from '@/modules/functions/function-access.policy.js';
import { FunctionAccessModel } from './function-access.model.js';
import { FunctionModel } from './function.model.js';

const NO_ACCESS: FunctionAccessModel = { invoke: false, readInvocations: false, readCode: false, manage: false };

/** `Function.viewerAccess`: the access policy's answer for the caller, batched with the other function lookups of the request. */
@Resolver(() => FunctionModel)
export class FunctionAccessResolver {
  constructor(private readonly policy: FunctionAccessPolicy) {}

  @ResolveField(() => FunctionAccessModel, { description: 'What you may do with this function.' })
  async viewerAccess(@Parent() fn: FunctionModel, @Context() ctx: GraphQLContext): Promise<FunctionAccessModel> {
    const record = await ctx.loaders.functionById.load(fn.id);
    if (!record) return NO_ACCESS;
    const { invoke, readInvocations, readCode, manage } = this.policy.functionAccess(ctx.actor.principal, record);
    return { invoke, readInvocations, readCode, manage };
  }
}
