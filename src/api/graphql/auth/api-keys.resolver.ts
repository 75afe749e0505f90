import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { withoutNulls } from '@/api/graphql/without-nulls.js';
import { type Connection, ConnectionType, toConnection } from '@/api/graphql/pagination/connection.model.js';
import { toPageRequest } from '@/api/graphql/pagination/cursor.js';
import { parseOrThrow } from '@/kernel/validation/zod-errors.js';
import type { GraphQLContext } from '@/api/graphql/graphql-context.js';
import type { ApiKeyRecord } from '@/modules/auth/api-key.record.js';
import { ApiKeysService } from '@/modules/auth/api-keys.service.js';
import { CreateApiKeyInput } from './create-api-key.input.js';
import { ApiKeyModel, CreatedApiKeyModel, PrincipalModel } from './api-key.model.js';
import { z } from 'zod';
import { SUBJECT_PATTERN, SUBJECT_RULE } from '@/kernel/identity/subject.js';

const ApiKeyConnection = ConnectionType(ApiKeyModel, 'ApiKey');
const ownerFilter = z.string().regex(SUBJECT_PATTERN, `must be ${SUBJECT_RULE}`).optional();

@Resolver(() => ApiKeyModel)
export class ApiKeysResolver {
  constructor(private readonly keys: ApiKeysService) {}

  @Query(() => PrincipalModel, { description: 'The caller as the server sees it.' })
  me(@Context() ctx: GraphQLContext): PrincipalModel {
    const { principal } = ctx.actor;
    return { kind: principal.kind, subject: principal.subject, roles: [...principal.roles], expiresAt: principal.expiresAt ?? null };
  }

  @Query(() => ApiKeyConnection, { description: 'Your keys, newest first; admins see every key (or those of `ownerId`).' })
  async apiKeys(
    @Context() ctx: GraphQLContext,
    @Args('ownerId', { type: () => String, nullable: true }) ownerId: string | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<Connection<ApiKeyModel>> {
    const owner = parseOrThrow(ownerFilter, ownerId ?? undefined, 'ownerId');
    const page = await this.keys.list(ctx.actor.principal, owner, toPageRequest(first, after));
    return toConnection(page, (k) => k.id, toApiKeyModel);
  }

  @Mutation(() => CreatedApiKeyModel, { description: 'Creates an API key; the secret is in the answer and nowhere else.' })
  async createApiKey(@Context() ctx: GraphQLContext, @Args('input') input: CreateApiKeyInput): Promise<CreatedApiKeyModel> {
    const created = await this.keys.create(ctx.actor, withoutNulls(input));
    return { apiKey: toApiKeyModel(created.record), secret: created.token };
  }

  @Mutation(() => ApiKeyModel, {
    description:
      'Revokes a key at once, on every node, together with every key minted with it (transitively, whoever owns them: keys an admin minted for others included); open subscriptions using any of them are closed.',
  })
  async revokeApiKey(@Context() ctx: GraphQLContext, @Args('id', { type: () => ID }) id: string): Promise<ApiKeyModel> {
    return toApiKeyModel(await this.keys.revoke(ctx.actor, id));
  }
}

function toApiKeyModel(record: ApiKeyRecord): ApiKeyModel {
  return {
    id: record.id,
    prefix: record.prefix,
    name: record.name,
    ownerId: record.ownerId,
    roles: [...record.roles],
    createdAt: record.createdAt,
    createdBy: record.createdBy,
    createdByKeyId: record.createdByKeyId,
    expiresAt: record.expiresAt,
    revokedAt: record.revokedAt,
    lastUsedAt: record.lastUsedAt,
  };
}
