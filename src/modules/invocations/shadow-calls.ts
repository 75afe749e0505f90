import { Injectable } from '@nestjs/common';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import type { InvocationEvent } from '@/modules/executor/execution.types.js';
import type { InvocationRecord } from './invocation.record.js';

/** A call an alias also sends to its shadow version, handed over once the caller's own call is over. */
export interface ShadowCall {
  /** The caller's invocation, final and stored. */
  primary: InvocationRecord;
  /** The whole result the caller was given (the record may keep less). */
  response: unknown;
  /** The event the primary ran with (the whole body, not the stored copy). */
  event: InvocationEvent;
  alias: string;
  shadowVersion: string;
}

/**
 * Where the invocation path hands shadow calls to whoever runs them (the shadow module, which
 * depends on this one and registers itself at start-up). Handing over never throws and never
 * waits: what the caller receives cannot depend on it.
 */
@Injectable()
export class ShadowCalls {
  private handler: ((call: ShadowCall) => void) | null = null;

  constructor(private readonly errors: UnexpectedErrors) {}

  handleWith(handler: (call: ShadowCall) => void): void {
    this.handler = handler;
  }

  /** Runs the handler on a later turn of the event loop, after the caller's answer is on its way. */
  offer(call: ShadowCall): void {
    const handler = this.handler;
    if (handler === null) return;
    setImmediate(() => {
      try {
        handler(call);
      } catch (error) {
        this.errors.report(error, { source: 'invocation', where: `shadowing invocation ${call.primary.id}`, invocationId: call.primary.id });
      }
    });
  }
}
