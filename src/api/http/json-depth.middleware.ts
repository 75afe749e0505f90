import type { NextFunction, Request, Response } from 'express';
import { assertNotTooDeep } from '@/kernel/validation/safe-keys.js';

/**
 * Runs right after the JSON body parser: a body nested deeper than `MAX_JSON_DEPTH` is
 * refused with 400 `BAD_USER_INPUT` before any route (GraphQL variables included) walks it
 * recursively and overflows the stack.
 */
export function jsonDepthLimit() {
  return (req: Request, _res: Response, next: NextFunction): void => {
    try {
      assertNotTooDeep(req.body);
      next();
    } catch (error) {
      next(error);
    }
  };
}
