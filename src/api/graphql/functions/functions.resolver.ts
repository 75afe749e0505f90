import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { type Connection, ConnectionType, toConnection } from '@/api/graphql/pagination/connection.model.js';
import { toPageRequest } from '@/api/graphql/pagination/cursor.js';
import { withoutNulls } from '@/api/graphql/without-nulls.js';
import { withAsyncPolicyNulls } from './async-policy-nulls.js';
import { withContractAsGiven } from '@/api/graphql/contracts/contract.mapper.js';
import { PublicUrls } from '@/api/http/origins/public-urls.js';
import type { GraphQLContext } from '@/api/graphql/graphql-context.js';
import { ExecutionConfigModel } from '@/api/graphql/versions/execution-config.model.js';
import { toExecutionConfigModel } from '@/api/graphql/versions/version.mapper.js';
import { FunctionFilterInput } from './function-filter.input.js';
import { RegisterFunctionInput } from './register-function.input.js';
import { UpdateFunctionInput } from './update-function.input.js';
import { toFunctionModel } from './function.mapper.js';
import { FunctionsService } from '@/modules/functions/functions.service.js';
import { FunctionMetadataModel } from './function-metadata.model.js';
import { FunctionModel } from './function.model.js';
import { parseFunctionFilter } from '@/modules/functions/function-filter.validation.js';

const FunctionConnection = ConnectionType(FunctionModel, 'Function');

@Resolver(() => FunctionModel)
export class FunctionsResolver {
  constructor(
    private readonly service: FunctionsService,
    private readonly urls: PublicUrls,
  ) {}

  @Query(() => FunctionModel, { description: 'A function by id, deleted ones included.' })
  async function(@Context() ctx: GraphQLContext, @Args('id', { type: () => ID }) id: string): Promise<FunctionModel> {
    return this.toModel(await this.service.getVisibleById(ctx.actor.principal, id));
  }

  @Query(() => FunctionModel, { description: 'A function that is not deleted, by name.' })
  async functionByName(@Context() ctx: GraphQLContext, @Args('name') name: string): Promise<FunctionModel> {
    return this.toModel(await this.service.getVisibleByName(ctx.actor.principal, name));
  }

  @Query(() => FunctionConnection, { description: 'Functions that are not deleted, by name.' })
  async functions(
    @Context() ctx: GraphQLContext,
    @Args('filter', { type: () => FunctionFilterInput, nullable: true }) filter: FunctionFilterInput | null,
    @Args('first', { type: () => Int, nullable: true, description: 'Page size: 1 to 100 (default 20).' }) first: number | null,
    @Args('after', { type: () => String, nullable: true, description: '`endCursor` of the previous page.' }) after: string | null,
  ): Promise<Connection<FunctionModel>> {
    const page = await this.service.listVisible(ctx.actor.principal, parseFunctionFilter(withoutNulls(filter ?? {})), toPageRequest(first, after));
    return toConnection(
      page,
      (f) => f.name,
      (f) => this.toModel(f),
    );
  }

  @Mutation(() => FunctionModel, { description: 'Registers a function, or a new version of the function with this name.' })
  async registerFunction(@Context() ctx: GraphQLContext, @Args('input') input: RegisterFunctionInput): Promise<FunctionModel> {
    const registration = await this.service.register(withContractAsGiven(input, withAsyncPolicyNulls(input, withoutNulls(input))), ctx.actor);
    return this.toModel(registration.function);
  }

  @Mutation(() => FunctionModel, { description: 'Creates a new version from the latest one and the given changes.' })
  async updateFunction(
    @Context() ctx: GraphQLContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateFunctionInput,
  ): Promise<FunctionModel> {
    const registration = await this.service.update(id, withContractAsGiven(input, withAsyncPolicyNulls(input, withoutNulls(input))), ctx.actor);
    return this.toModel(registration.function);
  }

  @Mutation(() => FunctionModel, {
    description:
      'Stops the function answering; its versions and invocations stay readable, and its name stays reserved for its owner until an admin releases it (releaseFunctionName).',
  })
  async deleteFunction(@Context() ctx: GraphQLContext, @Args('id', { type: () => ID }) id: string): Promise<FunctionModel> {
    return this.toModel(await this.service.delete(id, ctx.actor));
  }

  @Mutation(() => Boolean, {
    description:
      "Admins: ends the reservation of a deleted function's name (a deleted name stays reserved for its owner). Anyone may then register it; its versions continue after the old ones, so old pinned URLs never reach the new code. False when nothing was reserved.",
  })
  async releaseFunctionName(@Context() ctx: GraphQLContext, @Args('name') name: string): Promise<boolean> {
    return this.service.releaseName(name, ctx.actor);
  }

  @ResolveField(() => FunctionMetadataModel, { description: 'Author, tags, dates, the latest version’s dependencies, and permissions.' })
  async metadata(@Parent() fn: FunctionModel, @Context() ctx: GraphQLContext): Promise<FunctionMetadataModel> {
    const latest = await ctx.loaders.versionById.load(fn.latestVersionId);
    return {
      createdAt: fn.createdAt,
      updatedAt: fn.updatedAt,
      author: fn.author,
      tags: fn.tags,
      dependencies: latest?.dependencies ?? {},
      permissions: fn.permissions,
    };
  }

  @ResolveField(() => ExecutionConfigModel, { description: 'Settings of the latest version.' })
  async executionConfig(@Parent() fn: FunctionModel, @Context() ctx: GraphQLContext): Promise<ExecutionConfigModel> {
    const latest = await ctx.loaders.versionById.load(fn.latestVersionId);
    if (!latest) throw new Error(`Function ${fn.id} points at a missing version ${fn.latestVersionId}`);
    return toExecutionConfigModel(latest);
  }

  private toModel(record: Parameters<typeof toFunctionModel>[0]): FunctionModel {
    return toFunctionModel(record, this.urls.functions());
  }
}
