import { All, Controller, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ValidationError } from '@/common/errors/domain-error.js';
import { requestContextOf } from '@/infrastructure/observability/logging/request-context.js';
import { requestActor } from '@/modules/auth/http/request-actor.js';
import { InvocationsService } from '../invocations.service.js';
import type { FunctionRef } from '../function-resolver.service.js';
import { toInvocationEvent } from './http-event.js';
import { writeInvocationResponse } from './http-response.js';

const NAME_AT_VERSION = /^([^@]+)(?:@(.+))?$/;

/**
 * The HTTP endpoints every function gets, for every method:
 * `/execute/<id>[/<path>]` and `/fn/<name>[@<version>][/<path>]`.
 */
@Controller()
export class FunctionHttpController {
  constructor(private readonly invocations: InvocationsService) {}

  @All(['execute/:functionId', 'execute/:functionId/*path'])
  execute(@Param('functionId') functionId: string, @Param('path') path: string[] | undefined, @Req() req: Request, @Res() res: Response) {
    return this.invoke({ functionId }, undefined, path, req, res);
  }

  @All(['fn/:target', 'fn/:target/*path'])
  fn(@Param('target') target: string, @Param('path') path: string[] | undefined, @Req() req: Request, @Res() res: Response) {
    const [, name, version] = NAME_AT_VERSION.exec(target) ?? [];
    if (!name) throw new ValidationError('Expected /fn/<name> or /fn/<name>@<version>');
    return this.invoke({ name }, version, path, req, res);
  }

  private async invoke(ref: FunctionRef, version: string | undefined, path: string[] | undefined, req: Request, res: Response) {
    const invocation = await this.invocations.invoke({
      ref,
      version,
      trigger: 'HTTP',
      event: toInvocationEvent(req, path),
      principal: requestActor(req).principal,
      origin: requestContextOf(req),
    });
    writeInvocationResponse(res, invocation);
  }
}
