import { resolve } from 'node:path';
import { z } from 'zod';
import { configSchema, type RawConfig } from './config.schema.js';

export type ExecutorKind = RawConfig['FNGRAPH_EXECUTOR'];

export interface LimitsConfig {
  maxCodeBytes: number;
  maxBodyBytes: number;
  maxTimeoutSeconds: number;
  defaultTimeoutSeconds: number;
  minMemoryMb: number;
  maxMemoryMb: number;
  defaultMemoryMb: number;
  maxInstancesPerFunction: number;
  maxQueuedPerFunction: number;
  queueTimeoutMs: number;
  sandboxIdleSeconds: number;
  maxLogLines: number;
  maxLogLineBytes: number;
  maxResponseBytes: number;
}

/** How sandboxes are contained, for both executors (see README, "Sandboxes"). */
export interface SandboxConfig {
  /** bubblewrap executable: a path, or a name looked up in the usual binary directories. */
  bwrapBinary: string;
  /** Refuse to start the process executor without working bubblewrap. */
  requireIsolation: boolean;
  /** How the process executor enforces memory/CPU/pids limits. */
  limits: 'auto' | 'cgroup' | 'rlimit';
  /** Host user and group sandboxes run as (process executor when started as root; Docker always). */
  uid: number;
  gid: number;
  /** CPU share of one sandbox, in CPUs. */
  cpus: number;
  /** Processes plus threads one sandbox may have. */
  pidsLimit: number;
  /** Size of the sandbox's writable /tmp. */
  tmpMb: number;
}

export class ConfigError extends Error {}

/** The validated, typed configuration. Injected wherever a setting is needed. */
export class AppConfig {
  readonly env: RawConfig['NODE_ENV'];
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string | undefined;
  readonly dataDir: string;
  readonly mongodbUri: string | undefined;
  readonly redisUrl: string | undefined;
  readonly masterKey: Buffer | undefined;
  readonly executor: ExecutorKind;
  readonly sandboxNodeBinary: string;
  readonly sandboxPythonBinary: string;
  readonly sandbox: SandboxConfig;
  readonly dockerHost: string;
  readonly graphiql: boolean;
  readonly limits: LimitsConfig;

  constructor(raw: RawConfig) {
    this.env = raw.NODE_ENV;
    this.host = raw.HOST;
    this.port = raw.PORT;
    this.publicUrl = raw.FNGRAPH_PUBLIC_URL;
    this.dataDir = resolve(raw.FNGRAPH_DATA_DIR);
    this.mongodbUri = raw.MONGODB_URI;
    this.redisUrl = raw.REDIS_URL;
    this.masterKey = raw.FNGRAPH_MASTER_KEY ? Buffer.from(raw.FNGRAPH_MASTER_KEY, 'base64') : undefined;
    this.executor = raw.FNGRAPH_EXECUTOR;
    this.sandboxNodeBinary = raw.FNGRAPH_SANDBOX_NODE_BINARY;
    this.sandboxPythonBinary = raw.FNGRAPH_SANDBOX_PYTHON_BINARY;
    this.sandbox = {
      bwrapBinary: raw.FNGRAPH_SANDBOX_BWRAP_BINARY,
      requireIsolation: raw.FNGRAPH_REQUIRE_ISOLATION,
      limits: raw.FNGRAPH_SANDBOX_LIMITS,
      uid: raw.FNGRAPH_SANDBOX_UID,
      gid: raw.FNGRAPH_SANDBOX_GID,
      cpus: raw.FNGRAPH_SANDBOX_CPUS,
      pidsLimit: raw.FNGRAPH_SANDBOX_PIDS_LIMIT,
      tmpMb: raw.FNGRAPH_SANDBOX_TMP_MB,
    };
    this.dockerHost = raw.FNGRAPH_DOCKER_HOST;
    this.graphiql = raw.FNGRAPH_GRAPHIQL && raw.NODE_ENV !== 'production';
    this.limits = {
      maxCodeBytes: raw.FNGRAPH_MAX_CODE_BYTES,
      maxBodyBytes: raw.FNGRAPH_MAX_BODY_BYTES,
      maxTimeoutSeconds: raw.FNGRAPH_MAX_TIMEOUT_SECONDS,
      defaultTimeoutSeconds: raw.FNGRAPH_DEFAULT_TIMEOUT_SECONDS,
      minMemoryMb: raw.FNGRAPH_MIN_MEMORY_MB,
      maxMemoryMb: raw.FNGRAPH_MAX_MEMORY_MB,
      defaultMemoryMb: raw.FNGRAPH_DEFAULT_MEMORY_MB,
      maxInstancesPerFunction: raw.FNGRAPH_MAX_INSTANCES_PER_FUNCTION,
      maxQueuedPerFunction: raw.FNGRAPH_MAX_QUEUED_PER_FUNCTION,
      queueTimeoutMs: raw.FNGRAPH_QUEUE_TIMEOUT_MS,
      sandboxIdleSeconds: raw.FNGRAPH_SANDBOX_IDLE_SECONDS,
      maxLogLines: raw.FNGRAPH_MAX_LOG_LINES,
      maxLogLineBytes: raw.FNGRAPH_MAX_LOG_LINE_BYTES,
      maxResponseBytes: raw.FNGRAPH_MAX_RESPONSE_BYTES,
    };
    this.assertConsistent();
  }

  get isProduction(): boolean {
    return this.env === 'production';
  }

  /** Parses an environment (normally `process.env`); throws one message listing every problem. */
  static fromEnvironment(env: Record<string, string | undefined>): AppConfig {
    const parsed = configSchema.safeParse(env);
    if (!parsed.success) {
      throw new ConfigError(`Invalid configuration:\n${formatIssues(parsed.error)}`);
    }
    return new AppConfig(parsed.data);
  }

  private assertConsistent(): void {
    const problems: string[] = [];
    const { limits } = this;
    if (limits.minMemoryMb > limits.maxMemoryMb) problems.push('FNGRAPH_MIN_MEMORY_MB exceeds FNGRAPH_MAX_MEMORY_MB');
    if (limits.defaultMemoryMb < limits.minMemoryMb || limits.defaultMemoryMb > limits.maxMemoryMb) {
      problems.push('FNGRAPH_DEFAULT_MEMORY_MB must lie between the minimum and the maximum');
    }
    if (limits.defaultTimeoutSeconds > limits.maxTimeoutSeconds) {
      problems.push('FNGRAPH_DEFAULT_TIMEOUT_SECONDS exceeds FNGRAPH_MAX_TIMEOUT_SECONDS');
    }
    if (limits.maxCodeBytes * 1.4 > limits.maxBodyBytes) {
      problems.push('FNGRAPH_MAX_BODY_BYTES must leave room for base64 code of FNGRAPH_MAX_CODE_BYTES (x1.4)');
    }
    if (this.isProduction && !this.masterKey) {
      problems.push('FNGRAPH_MASTER_KEY is required when NODE_ENV=production');
    }
    if (problems.length > 0) {
      throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    }
  }
}

function formatIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`).join('\n');
}
