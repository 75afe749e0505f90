import type { IncomingMessage } from 'node:http';
import type { RequestOrigin } from '@/kernel/identity/principal.js';
import { requestOrigin } from '@/api/http/auth/request-actor.js';

/** The parts of an Express application the client address needs. */
export interface ExpressApplication {
  request: object;
  get(setting: string): unknown;
}

/**
 * Where an upgrade request comes from, as Express would say for a request (honouring
 * `trust proxy`): upgrades never pass through Express, so its `ip` getter is borrowed.
 * Behind a proxy, the socket's address is the proxy's: per-address limits keyed on it
 * would put every client in one bucket.
 */
export function upgradeOriginResolver(app: ExpressApplication): (req: IncomingMessage) => RequestOrigin {
  return (req) => {
    const view = Object.create(app.request, {
      app: { value: app },
      headers: { value: req.headers },
      socket: { value: req.socket },
      connection: { value: req.socket },
    }) as { ip?: string; headers: IncomingMessage['headers']; socket: IncomingMessage['socket'] };
    return requestOrigin(view);
  };
}
