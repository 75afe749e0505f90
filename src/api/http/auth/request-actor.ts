import type { IncomingMessage } from 'node:http';
import { type Actor, ANONYMOUS, type RequestOrigin } from '@/kernel/identity/principal.js';

/** Kept beside the request rather than on it: no global type augmentation, nothing a client can set. */
const actors = new WeakMap<IncomingMessage, Actor>();

export function setRequestActor(req: IncomingMessage, actor: Actor): void {
  actors.set(req, actor);
}

/** The actor the authentication middleware resolved; anonymous if it did not run. */
export function requestActor(req: IncomingMessage | undefined): Actor {
  return (req && actors.get(req)) ?? { principal: ANONYMOUS, origin: requestOrigin(req) };
}

export function requestOrigin(req: { ip?: string; socket?: { remoteAddress?: string }; headers?: Record<string, unknown> } | undefined): RequestOrigin {
  const agent = req?.headers?.['user-agent'];
  return {
    ip: req?.ip ?? req?.socket?.remoteAddress ?? null,
    userAgent: typeof agent === 'string' ? agent.slice(0, 300) : null,
  };
}
