import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { RequestTimeoutError } from '@/kernel/errors/domain-error.js';
import type { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import { isAuthenticated } from '@/kernel/identity/principal.js';
import { refuseRequest } from '@/api/http/auth/api-gate.middleware.js';
import { requestActor } from '@/api/http/auth/request-actor.js';
import { hasBody } from '@/api/http/gateway/request-body.js';
import type { AnonymousUploads } from './anonymous-uploads.js';

export interface JsonBodyOptions {
  maxBytes: number;
  timeoutMs: number;
}

/**
 * The management API's JSON body parser, run after `apiGate` (the caller is known and
 * within its limits): an anonymous body takes one of the bounded places of
 * `AnonymousUploads` (503 when none is free), and a body that has not arrived whole
 * `timeoutMs` after reading began is answered 408 and its connection closed.
 */
export function jsonBody(options: JsonBodyOptions, anonymousUploads: AnonymousUploads, errors: UnexpectedErrors): RequestHandler {
  const parse = express.json({ limit: options.maxBytes, strict: false });
  return (req: Request, res: Response, next: NextFunction) => {
    if (!hasBody(req)) {
      parse(req, res, next);
      return;
    }
    let release = () => undefined as void;
    if (!isAuthenticated(requestActor(req).principal)) {
      try {
        release = anonymousUploads.acquire();
      } catch (error) {
        res.setHeader('connection', 'close');
        refuseRequest(req, res, error, errors);
        return;
      }
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      release();
      res.setHeader('connection', 'close');
      // The parser is still waiting for the rest: the socket goes once the answer is out.
      res.once('finish', () => req.socket.destroy());
      refuseRequest(req, res, new RequestTimeoutError(options.timeoutMs), errors);
    }, options.timeoutMs);
    parse(req, res, (error?: unknown) => {
      clearTimeout(timer);
      release();
      if (!timedOut) next(error);
    });
  };
}
