/**
 * Where a sandbox's shim sends its replies. They never share a pipe with the function's
 * raw output (descriptors 1 and 2: native code, child processes), which the executor
 * reads cheaply, under an output budget, while the protocol stays parseable.
 *
 * - A descriptor of its own: process sandboxes get the protocol pipe as descriptor
 *   `PROTOCOL_FD` (bubblewrap passes it through; its own sync descriptors come after).
 * - A socket at `path` inside the sandbox that the server listens on: containers on the
 *   server's host. Requests go over it too, so the engine is not on the path of a call.
 * - `stdout`: a container only has stdio, so the shim takes the sandbox's stdout for
 *   itself and points descriptor 1 at stderr; all raw output then arrives on stderr.
 */
export type ProtocolChannel = { fd: number } | { socket: string } | 'stdout';

/** The descriptor of the protocol pipe in process sandboxes (0-2 are stdio). */
export const PROTOCOL_FD = 3;

/** The shim's command-line argument naming its protocol channel (after the shim's path). */
export function protocolArgument(channel: ProtocolChannel): string {
  if (channel === 'stdout') return '--fngraph-protocol=stdout';
  return 'socket' in channel ? `--fngraph-protocol=unix:${channel.socket}` : `--fngraph-protocol=fd:${channel.fd}`;
}

/**
 * The shim's argument for a sandbox with network access: the path of its egress gateway's
 * socket inside the sandbox. The shim then routes TCP connections through it
 * (`shims/node/egress.cjs`, `shims/python/egress.py`); without it, it loads no such code.
 */
export function egressArgument(socketPath: string): string {
  return `--fngraph-egress=${socketPath}`;
}
