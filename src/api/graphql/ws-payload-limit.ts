import type { INestApplication } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';

interface WebSocketServerOptions {
  maxPayload?: number;
}

/**
 * Caps the size of one graphql-ws message at `maxBytes` (the HTTP body limit): a larger
 * frame closes the connection with 1009 (Message Too Big) before it is buffered whole.
 * `ws` reads `maxPayload` from its server's options for each new connection, but Nest
 * builds that server without a way to pass it: it is set on the server Nest made. Fails
 * at start-up rather than serve without the cap if Nest's internals move.
 */
export function limitWsPayload(app: INestApplication, maxBytes: number): void {
  const adapter = app.get(GraphQLModule, { strict: false }).graphQlAdapter as unknown as {
    _subscriptionService?: { wss?: { options?: WebSocketServerOptions } };
  };
  const options = adapter._subscriptionService?.wss?.options;
  if (!options) throw new Error('graphql-ws server not found: cannot cap its message size');
  options.maxPayload = maxBytes;
}
