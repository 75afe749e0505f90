import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The socket's name in its directory (mounted at `SANDBOX_PROTOCOL_DIR`). */
export const PROTOCOL_SOCKET_NAME = 'shim.sock';

/**
 * The unix socket one container's shim speaks the protocol over (`--fngraph-protocol=unix:`),
 * so that calls go from the server to the container without passing through the engine (its
 * attach stream costs a hop through dockerd per frame, on a CPU the server does not control).
 * It sits in a directory of its own, mounted into that container only and given to the sandbox
 * user with mode 0700: only that user and root can reach it, which is why the driver uses it only
 * when the server runs as root. The first connection is the shim's, made before any user code
 * runs; the listener then closes and the directory goes, so nothing can connect after it.
 */
export class ProtocolSocket {
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly server: Server,
    /** The shim's connection, once made; rejects if the socket closes first. */
    readonly connection: Promise<Socket>,
    private readonly refuse: (error: Error) => void,
  ) {}

  static async listen(owner: { uid: number; gid: number }): Promise<ProtocolSocket> {
    const dir = mkdtempSync(join(tmpdir(), 'fngraph-protocol-'));
    try {
      const path = join(dir, PROTOCOL_SOCKET_NAME);
      let accept!: (socket: Socket) => void;
      let refuse!: (error: Error) => void;
      const connection = new Promise<Socket>((resolve, reject) => {
        accept = resolve;
        refuse = reject;
      });
      // Unhandled until someone waits for it: a socket closed before its container started is no error.
      connection.catch(() => undefined);
      const server = createServer({ noDelay: true });
      const socket = new ProtocolSocket(dir, server, connection, refuse);
      server.once('connection', (shim) => {
        accept(shim);
        socket.close();
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(path, () => {
          server.off('error', reject);
          resolve();
        });
      });
      chownSync(path, owner.uid, owner.gid);
      chownSync(dir, owner.uid, owner.gid);
      return socket;
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Stops listening and removes the directory; a connection made stays open. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server.close();
    rmSync(this.dir, { recursive: true, force: true });
    this.refuse(new Error('The protocol socket closed before the sandbox connected'));
  }
}
