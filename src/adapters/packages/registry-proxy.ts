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

/** The proxies the host itself needs to reach the registry (`HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY`). */
export interface UpstreamProxies {
  http?: string;
  https?: string;
  /** Comma-separated hosts (or `.domain` suffixes) reached directly. */
  noProxy?: string;
}

export interface RegistryProxyOptions {
  /** Registry and index URLs: their origins are all the build may reach. */
  allowed: readonly string[];
  upstream?: UpstreamProxies;
  /** Told of each refused target as it happens (for the build log). */
  onRefused?: (target: string) => void;
}

/** The host's proxy settings from the build environment (either case, as curl and pip read them). */
export function upstreamProxies(environment: Record<string, string>): UpstreamProxies {
  const pick = (name: string) => environment[name.toLowerCase()] || environment[name.toUpperCase()] || undefined;
  return { http: pick('http_proxy'), https: pick('https_proxy'), noProxy: pick('no_proxy') };
}

/**
 * Starts a proxy that forwards plain-HTTP requests to the origins of `allowed` and
 * tunnels (CONNECT) only to their `https` hosts and ports. Package managers fetch every
 * manifest, tarball and wheel through it, nested dependencies included, so a package
 * that points at `http://127.0.0.1:…` or an internal host is refused before anything is
 * sent there. (No package code runs during a build, so the package managers are the only
 * clients; the lockfile and report checks then refuse what came from elsewhere.) Where
 * the host itself reaches the registry through a proxy, allowed traffic goes through it.
 */
export async function startRegistryProxy({ allowed, upstream = {}, onRefused = () => undefined }: RegistryProxyOptions): Promise<RegistryProxy> {
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
    const via = viaUpstream(upstream.http, upstream.noProxy, target.hostname);
    if (via?.authorization) headers['proxy-authorization'] = via.authorization;
    const destination = via
      ? { host: via.url.hostname, port: via.url.port || 80, path: target.href }
      : { host: target.hostname, port: target.port || 80, path: `${target.pathname}${target.search}` };
    const forwarded = httpRequest({ ...destination, method: request.method, headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    forwarded.on('error', (error) => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(`fngraph build proxy: ${error.message}\n`);
    });
    request.pipe(forwarded);
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
    const [host, port] = [match[1]!, Number(match[2])];
    const via = viaUpstream(upstream.https, upstream.noProxy, host);
    const server = via ? connect(Number(via.url.port || 80), via.url.hostname) : connect(port, host);
    track(server);
    server.once('error', () => client.destroy());
    client.once('close', () => server.destroy());
    const open = (rest: Buffer) => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (rest.length > 0) client.write(rest);
      if (head.length > 0) server.write(head);
      server.pipe(client);
      client.pipe(server);
    };
    server.once('connect', () => {
      if (!via) return open(Buffer.alloc(0));
      // Through the host's own proxy: a CONNECT of our own, then the same tunnel.
      const authorization = via.authorization ? `proxy-authorization: ${via.authorization}\r\n` : '';
      server.write(`CONNECT ${host}:${port} HTTP/1.1\r\nhost: ${host}:${port}\r\n${authorization}\r\n`);
      let answer = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        answer = Buffer.concat([answer, chunk]);
        const end = answer.indexOf('\r\n\r\n');
        if (end < 0) return;
        server.off('data', onData);
        if (/^HTTP\/1\.[01] 200/.test(answer.toString('latin1', 0, 16))) open(answer.subarray(end + 4));
        else client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      };
      server.on('data', onData);
    });
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

/** The upstream proxy for `host`, unless there is none or `NO_PROXY` names the host. */
function viaUpstream(proxy: string | undefined, noProxy: string | undefined, host: string): { url: URL; authorization?: string } | null {
  if (!proxy) return null;
  const bypass = (noProxy ?? '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
  const name = host.toLowerCase();
  if (bypass.some((entry) => entry === '*' || name === entry.replace(/^\./, '') || name.endsWith(entry.startsWith('.') ? entry : `.${entry}`))) return null;
  const url = new URL(proxy.includes('://') ? proxy : `http://${proxy}`);
  const credentials = url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : null;
  return { url, authorization: credentials ? `Basic ${Buffer.from(credentials).toString('base64')}` : undefined };
}
