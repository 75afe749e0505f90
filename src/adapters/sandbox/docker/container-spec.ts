import type { ContainerCreateOptions } from 'dockerode';
import {
  SANDBOX_DEPENDENCIES_DIR,
  SANDBOX_EGRESS_DIR,
  SANDBOX_FUNCTION_DIR,
  SANDBOX_PROTOCOL_DIR,
  SANDBOX_SHIMS_DIR,
} from '@/modules/executor/sandbox-paths.js';

const MiB = 1024 * 1024;

/** Labels every fngraph sandbox container carries. */
export const MANAGED_LABEL = 'fngraph.managed';
export const INSTANCE_LABEL = 'fngraph.instance';
/** `<hostname>:<pid>` of the server that created the container: finds stale ones. */
export const OWNER_LABEL = 'fngraph.owner';
/** `AppConfig.nodeId` of the server that started it: the sweeper removes a dead node's containers. */
export const NODE_LABEL = 'fngraph.node';

export interface ContainerSpecInput {
  name: string;
  image: string;
  command: string[];
  memoryLimitMb: number;
  cpus: number;
  pidsLimit: number;
  /** `uid:gid`, never root. */
  user: string;
  tmpMb: number;
  /** Host directories, mounted read-only. */
  shimsDir: string;
  dependenciesDir: string | null;
  /** An archive version's files, the function's folder. */
  codeDir?: string | null;
  /** Host directory of the sandbox's egress gateway socket (network access), or null. */
  egressSocketDir?: string | null;
  /** Host directory of the shim's protocol socket (`ProtocolSocket`), or null: the protocol then uses stdio. */
  protocolSocketDir?: string | null;
  labels: Record<string, string>;
}

/**
 * A sandbox container: no network (a function with network access gets its egress
 * gateway's socket mounted, never an interface), read-only root, no capabilities, no privilege
 * escalation, non-root user, memory = memory+swap = the function's limit, CPU quota,
 * pids limit, a small non-executable /tmp, shims and dependencies read-only, no log
 * driver (the output is read over the attach stream; the engine must not store floods),
 * and stdin open for the shim protocol.
 */
export function containerSpec(input: ContainerSpecInput): ContainerCreateOptions {
  if (/^0*(:|$)|^root(:|$)/.test(input.user)) throw new Error('Sandbox containers never run as root');
  const memory = input.memoryLimitMb * MiB;
  const binds = [`${input.shimsDir}:${SANDBOX_SHIMS_DIR}:ro`];
  if (input.dependenciesDir) binds.push(`${input.dependenciesDir}:${SANDBOX_DEPENDENCIES_DIR}:ro`);
  if (input.codeDir) binds.push(`${input.codeDir}:${SANDBOX_FUNCTION_DIR}:ro`);
  // Network access goes through this socket only: the container keeps `NetworkMode: none` (loopback only).
  if (input.egressSocketDir) binds.push(`${input.egressSocketDir}:${SANDBOX_EGRESS_DIR}:ro`);
  if (input.protocolSocketDir) binds.push(`${input.protocolSocketDir}:${SANDBOX_PROTOCOL_DIR}:ro`);
  return {
    name: input.name,
    Image: input.image,
    Cmd: input.command,
    User: input.user,
    WorkingDir: '/tmp',
    Hostname: 'fngraph',
    Env: ['HOME=/tmp', 'LANG=C.UTF-8'],
    Labels: input.labels,
    NetworkDisabled: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    OpenStdin: true,
    StdinOnce: false,
    Tty: false,
    HostConfig: {
      NetworkMode: 'none',
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Privileged: false,
      IpcMode: 'private',
      PidsLimit: input.pidsLimit,
      Memory: memory,
      MemorySwap: memory,
      NanoCpus: Math.round(input.cpus * 1e9),
      Tmpfs: { '/tmp': `rw,noexec,nosuid,nodev,size=${input.tmpMb}m` },
      Binds: binds,
      Ulimits: [{ Name: 'core', Soft: 0, Hard: 0 }],
      LogConfig: { Type: 'none', Config: {} },
      RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
      AutoRemove: false,
    },
  };
}
