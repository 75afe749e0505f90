import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { requestActor } from './request-actor.js';

/** The authenticated actor of a REST request. */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext) => requestActor(context.switchToHttp().getRequest<Request>()));
