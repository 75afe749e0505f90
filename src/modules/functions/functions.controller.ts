import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { AppConfig } from '@/config/app-config.js';
import { toRegistrationResponse, type RegistrationResponse } from './function.mapper.js';
import { FunctionsService } from './functions.service.js';

@Controller('functions')
export class FunctionsController {
  constructor(
    private readonly functions: FunctionsService,
    private readonly config: AppConfig,
  ) {}

  /** Takes the spec's function document as is (JSON). */
  @Post('register')
  @HttpCode(201)
  async register(@Body() body: unknown): Promise<RegistrationResponse> {
    const registration = await this.functions.register(body, null);
    return toRegistrationResponse(registration.function, registration.version, this.config.publicUrl ?? '');
  }
}
