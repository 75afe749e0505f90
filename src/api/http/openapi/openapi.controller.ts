import { Controller, Get, Header } from '@nestjs/common';
import { CurrentActor } from '@/api/http/auth/current-actor.decorator.js';
import type { Actor } from '@/kernel/identity/principal.js';
import type { JsonObject } from './openapi-components.js';
import { OpenApiDocuments } from './openapi-documents.js';

/** `GET /openapi.json`: the REST API and the function endpoints this caller may reach. */
@Controller()
export class OpenApiController {
  constructor(private readonly documents: OpenApiDocuments) {}

  @Get('openapi.json')
  // It depends on the caller's credential: never cached for another.
  @Header('cache-control', 'private, no-store')
  document(@CurrentActor() actor: Actor): Promise<JsonObject> {
    return this.documents.forCaller(actor.principal);
  }
}
