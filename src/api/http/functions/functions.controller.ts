import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { PublicUrls } from '@/api/http/origins/public-urls.js';
import { CurrentActor } from '@/api/http/auth/current-actor.decorator.js';
import type { Actor } from '@/kernel/identity/principal.js';
import { VersionsService } from '@/modules/versions/versions.service.js';
import { type RegistrationResponse, toRegistrationResponse } from './registration.response.js';
import { FunctionsService } from '@/modules/functions/functions.service.js';

@Controller('functions')
export class FunctionsController {
  constructor(
    private readonly functions: FunctionsService,
    private readonly urls: PublicUrls,
    private readonly versions: VersionsService,
  ) {}

  /** Takes the spec's function document as is (JSON). */
  @Post('register')
  @HttpCode(201)
  async register(@Body() body: unknown, @CurrentActor() actor: Actor): Promise<RegistrationResponse> {
    const registration = await this.functions.register(body, actor);
    // Whoever registered may read the code, hence the values of non-secret variables.
    const variables = this.versions.environmentOf(registration.version, true);
    return toRegistrationResponse(registration.function, registration.version, variables, this.urls.functions());
  }
}
