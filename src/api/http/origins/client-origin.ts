import type { IncomingMessage } from 'node:http';
import type { RequestOrigin } from '@/kernel/identity/principal.js';
import { requestOrigin } from '@/api/http/auth/request-actor.js';

/** The parts of an Express application the client address needs. */
export interface ExpressApplication {
  request: object;
  get(setting: string): unknown;
}

/**
 * Where a request that does not pass through Express comes from (upgrades, function
 * endpoints), as Express would say (honouring `trust proxy`): its `ip` getter is borrowed.
 * Behind a proxy, the socket's address is the proxy's: per-address limits keyed on it
 * would put every client in one bucket. Without `trust proxy` it is the socket's address.
 */
export function clientOriginResolver(app: ExpressApplication): (req: IncomingMessage) => RequestOrigin {
  const trustProxy = app.get('trust proxy');
  if (trustProxy === false || trustProxy === undefined) return (req) => requestOrigin(req);
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
