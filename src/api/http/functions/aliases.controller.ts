import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { CurrentActor } from '@/api/http/auth/current-actor.decorator.js';
import { NotFoundError, ValidationError } from '@/kernel/errors/domain-error.js';
import type { Actor } from '@/kernel/identity/principal.js';
import { AliasesService } from '@/modules/aliases/aliases.service.js';
import { FunctionsService } from '@/modules/functions/functions.service.js';
import { type AliasResponse, toAliasResponse } from './alias.response.js';

/** The REST face of `Function.aliases`, `setAlias` and `deleteAlias`: same rules, same audit. */
@Controller('functions/:functionId/aliases')
export class AliasesController {
  constructor(
    private readonly aliases: AliasesService,
    private readonly functions: FunctionsService,
  ) {}

  @Get()
  async list(@Param('functionId') functionId: string, @CurrentActor() actor: Actor): Promise<AliasResponse[]> {
    await this.functions.getVisibleById(actor.principal, functionId);
    return (await this.aliases.list(functionId)).map(toAliasResponse);
  }

  @Get(':name')
  async get(@Param('functionId') functionId: string, @Param('name') name: string, @CurrentActor() actor: Actor): Promise<AliasResponse> {
    await this.functions.getVisibleById(actor.principal, functionId);
    const alias = await this.aliases.find(functionId, name);
    if (!alias) throw new NotFoundError('Alias', name);
    return toAliasResponse(alias);
  }

  /** Body `{ routes: [{ version, weight }], shadow?: { version, percent } | null }`: the whole alias. */
  @Put(':name')
  async set(@Param('functionId') functionId: string, @Param('name') name: string, @Body() body: unknown, @CurrentActor() actor: Actor): Promise<AliasResponse> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ValidationError('Expected a JSON object { routes, shadow }', [{ message: 'not a JSON object' }]);
    }
    // The path names the alias; keys in the body that the alias does not have are refused by its validation.
    return toAliasResponse(await this.aliases.set(actor, { ...body, functionId, name }));
  }

  @Delete(':name')
  @HttpCode(204)
  async delete(@Param('functionId') functionId: string, @Param('name') name: string, @CurrentActor() actor: Actor): Promise<void> {
    if (!(await this.aliases.delete(actor, functionId, name))) throw new NotFoundError('Alias', name);
  }
}
