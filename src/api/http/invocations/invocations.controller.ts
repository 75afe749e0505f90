import { Controller, Get, Param } from '@nestjs/common';
import { CurrentActor } from '@/api/http/auth/current-actor.decorator.js';
import type { Actor } from '@/kernel/identity/principal.js';
import { InvocationsService } from '@/modules/invocations/invocations.service.js';
import { type InvocationResponse, toInvocationResponse } from './invocation.response.js';

/** Where a `202 Accepted` from a function endpoint points (`Location`): the invocation, for whoever may read it. */
@Controller('invocations')
export class InvocationsController {
  constructor(private readonly invocations: InvocationsService) {}

  @Get(':id')
  async get(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<InvocationResponse> {
    const record = await this.invocations.getReadable(actor.principal, id);
    return toInvocationResponse(await this.invocations.seenBy(actor.principal, record));
  }
}
