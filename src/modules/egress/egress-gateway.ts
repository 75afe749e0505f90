import { lookup } from 'node:dns/promises';
import { createServer, isIP, type Server, type Socket, connect } from 'node:net';
import { parsePort } from '@/kernel/network/address-range.js';
import { isHostName } from './allow-rule.js';
import type { EgressPolicy } from './egress-policy.js';

/** What the gateway decided about one connection, for metrics and the invocation's logs. */
export interface EgressDecision {
  allowed: boolean;
  host: string;
  port: number;
  /** The address connected to (allowed), null when refused before one was chosen. */
  address: string | null;
  reason: string | null;
}

export interface EgressGatewayOptions {
  /** Where it listens: the only way out of its sandbox. */
  socketPath: string;
  policy: EgressPolicy;
  /** Open connections at once, at most; more are refused. */
  maxConnections: number;
  connectTimeoutMs?: number;
  /** Name resolution (all addresses); the system resolver by default. */
  resolve?: (host: string) => Promise<string[]>;
  onDecision: (decision: EgressDecision) => void;
}

/** A request's header block, at most. */
const MAX_HEADER_BYTES = 8 * 1024;
/** The request must arrive within this after connecting. */
const HEADER_TIMEOUT_MS = 10_000;

interface Target {
  host: string;
  port: number;
  /** Bytes to send upstream once connected: what followed a CONNECT request, or a whole plain-HTTP proxy request. */
  forward: Buffer;
  tunnel: boolean;
}

/**
 * The egress gateway of one sandbox: an HTTP proxy on a Unix socket bind-mounted into the
 * sandbox, whose network namespace has only loopback. It takes `CONNECT host:port` (and
 * plain `GET http://host/...` proxy requests), resolves the name itself, checks the port
 * and every address against the policy, connects to the address it checked (never
 * resolving again: no DNS rebinding between check and use) and pipes. A refusal is a
 * `403` whose `X-Fngraph-Egress-Reason` header says why.
 */
export class EgressGateway {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  /** Connections from the sandbox (each may have one upstream in `sockets` too). */
  private clients = 0;
  private closed = false;

  private constructor(private readonly options: EgressGatewayOptions) {
    this.server = createServer((client) => this.serve(client));
  }

  static async listen(options: EgressGatewayOptions): Promise<EgressGateway> {
    const gateway = new EgressGateway(options);
    await new Promise<void>((resolve, reject) => {
      gateway.server.once('error', reject);
      gateway.server.listen(options.socketPath, () => {
        gateway.server.off('error', reject);
        resolve();
      });
    });
    return gateway;
  }

  /** Stops listening and cuts every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  private serve(client: Socket): void {
    if (this.closed) return void client.destroy();
    this.track(client);
    if (this.clients >= this.options.maxConnections) {
      this.options.onDecision({ allowed: false, host: '', port: 0, address: null, reason: 'too many open connections' });
      reply(client, 429, `the sandbox has ${this.options.maxConnections} connections open already (FNGRAPH_EGRESS_MAX_CONNECTIONS)`);
      return;
    }
    this.clients++;
    client.once('close', () => this.clients--);
    client.setTimeout(HEADER_TIMEOUT_MS, () => client.destroy());
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) {
        if (head.length > MAX_HEADER_BYTES) {
          client.off('data', onData);
          reply(client, 431, 'request header too large');
        }
        return;
      }
      client.off('data', onData);
      client.pause();
      const target = parseRequest(head, end);
      if ('error' in target) return reply(client, 400, target.error);
      void this.open(client, target);
    };
    client.on('data', onData);
  }

  private async open(client: Socket, target: Target): Promise<void> {
    const { host, port } = target;
    const refuse = (reason: string, status = 403) => {
      this.options.onDecision({ allowed: false, host, port, address: null, reason });
      reply(client, status, reason);
    };
    const { policy } = this.options;
    const early = policy.admitsTarget(host, port);
    if (!early.allowed) return refuse(early.reason);
    let addresses: string[];
    try {
      addresses = isIP(host) !== 0 ? [host] : await (this.options.resolve ?? resolveAll)(host.replace(/\.$/, ''));
    } catch (error) {
      return refuse(`${host} cannot be resolved (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, 502);
    }
    const verdict = policy.admitsAddresses(host, port, addresses);
    if (!verdict.allowed) return refuse(verdict.reason);
    const reached = await this.connectToOne(addresses, port);
    if (client.destroyed || this.closed) {
      if ('socket' in reached) reached.socket.destroy();
      return;
    }
    if ('error' in reached) {
      // Allowed, yet unreachable: the policy's answer was yes.
      this.options.onDecision({ allowed: true, host, port, address: addresses[0]!, reason: null });
      return reply(client, 502, `${host}:${port} could not be reached: ${reached.error}`);
    }
    const { socket: upstream, address } = reached;
    this.track(upstream);
    this.options.onDecision({ allowed: true, host, port, address, reason: null });
    client.setTimeout(0);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.end());
    if (target.tunnel) client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (target.forward.length > 0) upstream.write(target.forward);
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  }

  /**
   * Connects to the checked addresses in order (the first that answers), never to a name: a
   * second resolution could answer differently from the one the policy checked.
   */
  private connectToOne(addresses: readonly string[], port: number): Promise<{ socket: Socket; address: string } | { error: string }> {
    const timeoutMs = this.options.connectTimeoutMs ?? 10_000;
    return new Promise((resolve) => {
      const attempt = (index: number, lastError: string) => {
        const address = addresses[index];
        if (address === undefined) return resolve({ error: lastError });
        const socket = connect({ host: address, port });
        const timer = setTimeout(() => socket.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), timeoutMs);
        const onError = (error: NodeJS.ErrnoException) => {
          clearTimeout(timer);
          socket.destroy();
          attempt(index + 1, `${address}: ${error.code ?? error.message}`);
        };
        socket.once('error', onError);
        socket.once('connect', () => {
          clearTimeout(timer);
          socket.off('error', onError);
          resolve({ socket, address });
        });
      };
      attempt(0, 'no address');
    });
  }
}

function resolveAll(host: string): Promise<string[]> {
  return lookup(host, { all: true, verbatim: true }).then((found) => found.map((entry) => entry.address));
}

function reply(client: Socket, status: number, reason: string): void {
  const text = reason.replace(/[^\x20-\x7e]/g, '?');
  const body = `fngraph egress: ${text}\n`;
  const phrase = { 400: 'Bad Request', 403: 'Forbidden', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large', 502: 'Bad Gateway' }[status];
  // The reason phrase carries the reason too: proxy clients (urllib, curl) show that line.
  client.end(
    `HTTP/1.1 ${status} ${phrase ?? 'Error'} (fngraph egress: ${text})\r\nX-Fngraph-Egress-Reason: ${text}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** `CONNECT host:port HTTP/1.1`, or an absolute-form plain-HTTP proxy request (forwarded as it is). */
function parseRequest(head: Buffer, end: number): Target | { error: string } {
  const firstLine = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
  const [method, requestTarget, protocol, ...extra] = firstLine.split(' ');
  if (!method || !requestTarget || !protocol?.startsWith('HTTP/1.') || extra.length > 0) return { error: 'malformed request line' };
  if (method === 'CONNECT') {
    const authority = parseAuthority(requestTarget, null);
    return 'error' in authority ? authority : { ...authority, forward: head.subarray(end + 4), tunnel: true };
  }
  const match = /^http:\/\/([^/?#]+)/i.exec(requestTarget);
  if (!match?.[1]) return { error: 'only CONNECT and http:// proxy requests are served' };
  const authority = parseAuthority(match[1], 80);
  if ('error' in authority) return authority;
  // Forwarded in origin form (`GET /path`), as a proxy does; the rest of the request as it came.
  const path = requestTarget.slice(match[0].length) || '/';
  const origin = Buffer.from(`${method} ${path.startsWith('/') ? path : `/${path}`} ${protocol}`, 'latin1');
  return { ...authority, forward: Buffer.concat([origin, head.subarray(firstLine.length)]), tunnel: false };
}

function parseAuthority(text: string, defaultPort: number | null): { host: string; port: number } | { error: string } {
  const bracketed = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/i.exec(text);
  const plain = /^([^:[\]]+)(?::(\d{1,5}))?$/.exec(text);
  const [, host, portText] = bracketed ?? plain ?? [];
  if (!host || (bracketed ? isIP(host) !== 6 : isIP(host) !== 4 && !isHostName(host.toLowerCase().replace(/\.$/, '')))) {
    return { error: `invalid destination ${text}` };
  }
  const port = portText === undefined ? defaultPort : parsePort(portText);
  if (port === null) return { error: `invalid or missing port in ${text}` };
  return { host: host.toLowerCase(), port };
}
