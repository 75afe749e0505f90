import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { presentError } from './error-presenter.js';

/**
 * The HTTP face of `presentError`: every failed REST request gets a JSON body
 * `{ error: { code, message, details } }` and the matching status.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const res = host.switchToHttp().getResponse<Response>();
    const presented = presentError(error);
    if (presented.unexpected) this.logger.error((error as Error)?.stack ?? String(error));
    if (res.headersSent) {
      res.end();
      return;
    }
    if (presented.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(Math.ceil(presented.retryAfterSeconds)));
    res.status(presented.status).json({
      error: { code: presented.code, message: presented.message, ...(presented.details.length > 0 ? { details: presented.details } : {}) },
    });
  }
}
