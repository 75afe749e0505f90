import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PlatformPorts } from '@/kernel/network/platform-ports.js';

/** `http://host:port` of a listening server (IPv6 hosts bracketed); null when it is not listening. */
export function listenerUrl(server: Server | null): string | null {
  const address = server?.address() as AddressInfo | null | undefined;
  if (!address) return null;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/**
 * Starts `server` listening on `host:port`; rejects if it cannot (the port is taken, say).
 * The bound port joins `ports`: functions with network access are refused it.
 */
export function listen(server: Server, port: number, host: string, ports: PlatformPorts): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      ports.add((server.address() as AddressInfo).port);
      resolve();
    });
  });
}
