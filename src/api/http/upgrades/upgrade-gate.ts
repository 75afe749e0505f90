import { type IncomingMessage, type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { NotFoundError } from '@/kernel/errors/domain-error.js';
import { presentError } from '@/kernel/errors/error-presenter.js';
import type { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import { ANONYMOUS, type RequestOrigin } from '@/kernel/identity/principal.js';
import type { RequestLimiter } from '@/api/http/auth/api-gate.middleware.js';

type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * Puts itself in front of the server's WebSocket upgrade listeners (graphql-ws): an upgrade
 * to any other path than `path` is answered 404 (JSON) and its socket destroyed (Node
 * leaves an unanswered upgrade open for ever), and upgrades are rate-limited per client
 * address like anonymous requests (they authenticate later, in `connection_init`).
 * Call once the listeners are installed (after the application's `init`).
 */
export interface UpgradeGateOptions {
  /** The one path upgrades are served on. */
  path: string;
  limiter: RequestLimiter;
  /** The client's address (see `clientOriginResolver`). */
  originOf: (req: IncomingMessage) => RequestOrigin;
  errors: UnexpectedErrors;
}

export function gateUpgrades(server: Server, { path, limiter, originOf, errors }: UpgradeGateOptions): void {
  const listeners = server.listeners('upgrade') as UpgradeListener[];
  server.removeAllListeners('upgrade');
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client that resets mid-answer must not crash the process.
    socket.on('error', () => socket.destroy());
    if (pathOf(req.url) !== path) {
      refuse(socket, new NotFoundError('WebSocket endpoint', pathOf(req.url)), errors);
      return;
    }
    limiter.consumeRequest(ANONYMOUS, originOf(req)).then(
      () => {
        if (socket.destroyed) return;
        for (const listener of listeners) listener.call(server, req, socket, head);
      },
      (error: unknown) => refuse(socket, error, errors),
    );
  });
}

function pathOf(url: string | undefined): string {
  const path = (url ?? '/').split('?', 1)[0];
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/** An HTTP answer written on the raw socket (no response object exists for an upgrade), then the socket is destroyed. */
function refuse(socket: Duplex, error: unknown, errors: UnexpectedErrors): void {
  const presented = presentError(error);
  if (presented.unexpected) errors.report(error, { source: 'http', where: 'WebSocket upgrade' });
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: { code: presented.code, message: presented.message } });
  const retryAfter = presented.retryAfterSeconds !== undefined ? `Retry-After: ${Math.ceil(presented.retryAfterSeconds)}\r\n` : '';
  socket.end(
    `HTTP/1.1 ${presented.status} ${STATUS_CODES[presented.status] ?? ''}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${retryAfter}Connection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}
