import { createServer, type IncomingMessage, request as httpRequest, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/** A loopback HTTP proxy that lets one build reach its registry and nothing else. */
export interface RegistryProxy {
  /** `http://127.0.0.1:<port>`, for the package manager's proxy setting. */
  url: string;
  /** What was refused, in order: a URL (plain HTTP) or `https://host:port` (a tunnel). */
  refused: readonly string[];
  close(): Promise<void>;
}

/**
 * Starts a proxy that forwards plain-HTTP requests to the origins of `allowed` and
 * tunnels (CONNECT) only to their `https` hosts and ports. Package managers fetch every
 * manifest, tarball and wheel through it, nested dependencies included, so a package
 * that points at `http://127.0.0.1:…` or an internal host is refused before anything is
 * sent there. (No package code runs during a build, so the package managers are the only
 * clients; the lockfile and report checks then refuse what came from elsewhere.)
 */
export async function startRegistryProxy(allowed: readonly string[], onRefused: (target: string) => void = () => undefined): Promise<RegistryProxy> {
  const plainOrigins = new Set<string>();
  const tunnels = new Set<string>();
  for (const entry of allowed) {
    const url = new URL(entry);
    if (url.protocol === 'http:') plainOrigins.add(url.origin);
    else if (url.protocol === 'https:') tunnels.add(`${url.hostname}:${url.port || '443'}`);
  }
  const refused: string[] = [];
  const refuse = (target: string) => {
    refused.push(target);
    onRefused(target);
  };
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let target: URL;
    try {
      target = new URL(request.url ?? '');
    } catch {
      response.writeHead(400, { 'content-type': 'text/plain' }).end('fngraph build proxy: absolute URLs only\n');
      return;
    }
    if (target.protocol !== 'http:' || !plainOrigins.has(target.origin)) {
      refuse(target.href);
      response.writeHead(403, { 'content-type': 'text/plain' }).end(`fngraph build proxy: ${target.href} is not on the configured registry\n`);
      return;
    }
    const headers: Record<string, string | string[] | undefined> = { ...request.headers, host: target.host };
    delete headers['proxy-connection'];
    delete headers['proxy-authorization'];
    const upstream = httpRequest(
      { host: target.hostname, port: target.port || 80, path: `${target.pathname}${target.search}`, method: request.method, headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', (error) => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(`fngraph build proxy: ${error.message}\n`);
    });
    request.pipe(upstream);
  });
  server.on('connection', track);
  server.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
    const target = request.url ?? '';
    const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(target);
    if (!match || !tunnels.has(`${match[1]}:${match[2]}`)) {
      refuse(`https://${target}`);
      client.end('HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\nfngraph build proxy: not the configured registry\n');
      return;
    }
    const upstream = connect(Number(match[2]), match[1]!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(upstream);
    upstream.once('error', () => client.destroy());
    client.once('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    refused,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
