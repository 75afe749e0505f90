import { type ArgumentsHost, Catch, type ExceptionFilter, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { presentError } from '@/kernel/errors/error-presenter.js';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';

/**
 * The HTTP face of `presentError`: every failed REST request gets a JSON body
 * `{ error: { code, message, details } }` and the matching status.
 */
@Catch()
@Injectable()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(private readonly unexpectedErrors: UnexpectedErrors) {}

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const res = host.switchToHttp().getResponse<Response>();
    const presented = presentError(error);
    if (presented.unexpected) this.reportUnexpected(error, host.switchToHttp().getRequest<Request>());
    if (res.headersSent) {
      res.end();
      return;
    }
    if (presented.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(Math.ceil(presented.retryAfterSeconds)));
    res.status(presented.status).json({
      error: { code: presented.code, message: presented.message, ...(presented.details.length > 0 ? { details: presented.details } : {}) },
    });
  }

  private reportUnexpected(error: unknown, req: Request): void {
    // The route pattern, not the URL: no ids, no query string (it may carry credentials).
    const where = `${req.method} ${(req.route as { path?: string } | undefined)?.path ?? req.path}`;
    this.unexpectedErrors.report(error, { source: 'http', where, request: req });
  }
}
