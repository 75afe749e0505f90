import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import { PlatformPorts } from '@/kernel/network/platform-ports.js';
import { type EgressDecision, EgressGateway } from './egress-gateway.js';
import { EgressPolicy } from './egress-policy.js';
import { EgressStats } from './egress-stats.js';
import { EgressUnavailableError, type NetworkConfig } from './network-config.js';

/** The file name of the gateway's socket in its directory (bind-mounted into the sandbox). */
export const EGRESS_SOCKET_NAME = 'egress.sock';

/** A sandbox's gateway and the host directory holding its socket. */
export interface SandboxEgress {
  /** Host directory with `EGRESS_SOCKET_NAME`, reachable only by the sandbox user. */
  socketDir: string;
  /** Where its decisions are told while an invocation runs (denials go to that invocation's logs). */
  listen(listener: ((decision: EgressDecision) => void) | null): void;
  /** Stops the gateway and removes its directory. */
  close(): Promise<void>;
}

/**
 * Opens one egress gateway per sandbox with network access: its policy is the version's
 * allow-list under the operator's rules (`FNGRAPH_EGRESS_*`) and the platform's own ports.
 */
@Injectable()
export class EgressGateways {
  constructor(
    private readonly config: AppConfig,
    private readonly ports: PlatformPorts,
    private readonly stats: EgressStats,
  ) {}

  async open(network: NetworkConfig): Promise<SandboxEgress> {
    if (!this.config.egress.enabled) {
      throw new EgressUnavailableError('This version has network access, which is turned off on this platform (FNGRAPH_EGRESS_ENABLED=false)');
    }
    const socketDir = mkdtempSync(join(tmpdir(), 'fngraph-egress-'));
    let listener: ((decision: EgressDecision) => void) | null = null;
    try {
      const policy = new EgressPolicy(network.allow, { allowPrivate: this.config.egress.allowPrivate, platformPorts: this.ports });
      const gateway = await EgressGateway.listen({
        socketPath: join(socketDir, EGRESS_SOCKET_NAME),
        policy,
        maxConnections: this.config.egress.maxConnectionsPerSandbox,
        onDecision: (decision) => {
          if (decision.allowed) this.stats.allowed++;
          else this.stats.denied++;
          listener?.(decision);
        },
      });
      chmodSync(socketDir, this.directoryMode(socketDir));
      chmodSync(join(socketDir, EGRESS_SOCKET_NAME), 0o666);
      return {
        socketDir,
        listen: (next) => (listener = next),
        close: async () => {
          await gateway.close();
          rmSync(socketDir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      rmSync(socketDir, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * Only the sandbox's user (and root) may reach the socket: as root, the directory becomes the
   * sandbox user's (both executors run sandboxes as FNGRAPH_SANDBOX_UID then), 0700. Otherwise
   * process sandboxes run as this server's user (0700 is enough), but containers still run as
   * FNGRAPH_SANDBOX_UID, which this server cannot give the directory to: it is then 0711 and
   * the socket can be used by any local user who finds it in the temporary directory (through
   * the same policy). Run the server as root, or give it the sandbox user, to avoid that.
   */
  private directoryMode(socketDir: string): number {
    if (process.getuid?.() === 0) {
      chownSync(socketDir, this.config.sandbox.uid, this.config.sandbox.gid);
      return 0o700;
    }
    return this.config.executor === 'docker' ? 0o711 : 0o700;
  }
}

/** A denial as one line of the invocation's logs. */
export function denialLogLine(decision: EgressDecision): string {
  const target = decision.host ? `${decision.host.includes(':') ? `[${decision.host}]` : decision.host}:${decision.port}` : 'a connection';
  return `[fngraph egress] denied ${target}: ${decision.reason ?? 'not allowed'}`;
}
