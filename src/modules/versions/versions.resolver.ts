import { Args, Context, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLContext } from '@/graphql/graphql-context.js';
import { FunctionModel } from '@/modules/functions/models/function.model.js';
import { FunctionVersionModel } from './models/function-version.model.js';
import { toFunctionVersionModel } from './version.mapper.js';
import { VersionsService } from './versions.service.js';

@Resolver(() => FunctionVersionModel)
export class VersionsResolver {
  constructor(private readonly versions: VersionsService) {}

  @Query(() => FunctionVersionModel)
  async functionVersion(
    @Args('functionId', { type: () => ID }) functionId: string,
    @Args('version') version: string,
  ): Promise<FunctionVersionModel> {
    return toFunctionVersionModel(await this.versions.getByVersion(functionId, version));
  }

  @ResolveField(() => String, { description: 'The source code, base64-encoded (decrypted on request).' })
  async code(@Parent() version: FunctionVersionModel, @Context() ctx: GraphQLContext): Promise<string> {
    const record = await ctx.loaders.versionById.load(version.id);
    return record ? Buffer.from(this.versions.openSecrets(record).source).toString('base64') : '';
  }
}

/** The version fields of `Function`, batched per request. */
@Resolver(() => FunctionModel)
export class FunctionVersionsFieldsResolver {
  @ResolveField(() => FunctionVersionModel)
  async latestVersion(@Parent() fn: FunctionModel, @Context() ctx: GraphQLContext): Promise<FunctionVersionModel> {
    const record = await ctx.loaders.versionById.load(fn.latestVersionId);
    if (!record) throw new Error(`Function ${fn.id} points at a missing version ${fn.latestVersionId}`);
    return toFunctionVersionModel(record);
  }

  @ResolveField(() => [FunctionVersionModel], { description: 'Newest first.' })
  async versions(@Parent() fn: FunctionModel, @Context() ctx: GraphQLContext): Promise<FunctionVersionModel[]> {
    return (await ctx.loaders.versionsByFunctionId.load(fn.id)).map(toFunctionVersionModel);
  }
}
