import { registeredCode } from '@/modules/versions/version-secrets.js';
import { Args, Context, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { NotFoundError } from '@/kernel/errors/domain-error.js';
import type { GraphQLContext } from '@/api/graphql/graphql-context.js';
import { FunctionAccessPolicy } from '@/modules/functions/function-access.policy.js';
import type { FunctionRecord } from '@/modules/functions/function.record.js';
import { FunctionModel } from '@/api/graphql/functions/function.model.js';
import { EnvironmentVariableModel } from './environment-variable.model.js';
import { ExecutionConfigModel } from './execution-config.model.js';
import { FunctionVersionModel } from './function-version.model.js';
import { toFunctionVersionModel } from './version.mapper.js';
import { VersionsService } from '@/modules/versions/versions.service.js';

async function functionOf(ctx: GraphQLContext, functionId: string): Promise<FunctionRecord> {
  const fn = await ctx.loaders.functionById.load(functionId);
  if (!fn) throw new NotFoundError('Function', functionId);
  return fn;
}

@Resolver(() => FunctionVersionModel)
export class VersionsResolver {
  constructor(
    private readonly versions: VersionsService,
    private readonly policy: FunctionAccessPolicy,
  ) {}

  @Query(() => FunctionVersionModel, { description: 'One version of a function (without its code), by version number.' })
  async functionVersion(
    @Context() ctx: GraphQLContext,
    @Args('functionId', { type: () => ID }) functionId: string,
    @Args('version') version: string,
  ): Promise<FunctionVersionModel> {
    const fn = await ctx.loaders.functionById.load(functionId);
    // A function the caller may not see answers exactly like a missing one.
    if (!fn || !this.policy.functionAccess(ctx.actor.principal, fn).visible) throw new NotFoundError('Function', functionId);
    return toFunctionVersionModel(await this.versions.getByVersion(functionId, version));
  }

  @ResolveField(() => String, {
    description:
      'The code as registered, base64-encoded: the source file, or for an archive (codeFormat ZIP, TAR, TGZ) the archive itself, byte for byte (decrypted on request; owners, admins and developers it is shared with).',
  })
  async code(@Parent() version: FunctionVersionModel, @Context() ctx: GraphQLContext): Promise<string> {
    this.policy.assertCanReadCode(ctx.actor.principal, await functionOf(ctx, version.functionId), version.functionId);
    const record = await ctx.loaders.versionById.load(version.id);
    return record ? registeredCode(this.versions.openSecrets(record)).toString('base64') : '';
  }
}

@Resolver(() => ExecutionConfigModel)
export class ExecutionConfigFieldsResolver {
  constructor(
    private readonly versions: VersionsService,
    private readonly policy: FunctionAccessPolicy,
  ) {}

  @ResolveField(() => [EnvironmentVariableModel], { description: 'Every variable; values only for those who may read the code, never for secrets.' })
  async environmentVariables(@Parent() config: ExecutionConfigModel, @Context() ctx: GraphQLContext): Promise<EnvironmentVariableModel[]> {
    if (!config.versionId) return [];
    const record = await ctx.loaders.versionById.load(config.versionId);
    if (!record) return [];
    const reveal = this.policy.functionAccess(ctx.actor.principal, await functionOf(ctx, config.functionId)).readCode;
    return this.versions.environmentOf(record, reveal);
  }
}

/** The version fields of `Function`, batched per request. */
@Resolver(() => FunctionModel)
export class FunctionVersionsFieldsResolver {
  @ResolveField(() => FunctionVersionModel, {
    description: 'The newest version: what `/fn/<name>` runs unless the function has a `default` alias (see `aliases`).',
  })
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
