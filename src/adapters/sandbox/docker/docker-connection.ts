import type { DockerOptions } from 'dockerode';

/**
 * dockerode options for a `DOCKER_HOST`-style address (`unix:///var/run/docker.sock`,
 * `tcp://host:2375`, `http(s)://host:port`). Always explicit, so docker-modem never
 * falls back to reading the process environment itself.
 */
export function dockerConnectionOptions(host: string): DockerOptions {
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) || '/var/run/docker.sock' };
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  return { protocol, host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port || (protocol === 'https' ? 2376 : 2375) };
}

/** Whether the engine runs on this host (its cgroups are then readable here). */
export function isLocalEngine(host: string): boolean {
  return host.startsWith('unix://');
}
