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

export type LogLevel = NonNullable<RawConfig['FNGRAPH_LOG_LEVEL']>;

export interface ObservabilityConfig {
  logLevel: LogLevel;
  /** Human-readable log lines (needs the `pino-pretty` dev dependency); JSON otherwise. */
  logPretty: boolean;
  /** One line per finished HTTP request (health checks and scrapes excepted). */
  logHttpRequests: boolean;
  /**
   * Every line written while serving a request carries its context (request id, function,
   * ...), through AsyncLocalStorage: on Node 20 that makes every promise ~3x costlier.
   * Always on with tracing, whose context propagation pays that cost already.
   */
  logRequestContext: boolean;
  /** Serve Prometheus metrics at `GET /metrics`. */
  metrics: boolean;
  /** Distinct function names with their own metric labels; the rest share `other`. */
  metricsMaxFunctions: number;
  /** Most recently used versions per function with their own `version` label. */
  metricsMaxVersions: number;
  /** Distinct GraphQL operation names with their own metric labels; the rest share `other`. */
  metricsMaxOperations: number;
  /** OTLP/HTTP base URL (`…/v1/traces` is appended); tracing is off without one. */
  otlpEndpoint: string | undefined;
  serviceName: string;
  /** Fraction of new traces recorded (a caller's sampling decision is kept). */
  traceSampleRatio: number;
  /** Recent unexpected errors kept in memory per node for `platformErrors`. */
  platformErrorsKept: number;
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
  readonly graphiql: boolean;
  /** How long running invocations may finish when the server stops. */
  readonly shutdownGraceSeconds: number;
  readonly limits: LimitsConfig;
  readonly observability: ObservabilityConfig;

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
    this.graphiql = raw.FNGRAPH_GRAPHIQL && raw.NODE_ENV !== 'production';
    this.shutdownGraceSeconds = raw.FNGRAPH_SHUTDOWN_GRACE_SECONDS;
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
    this.observability = {
      logLevel: raw.FNGRAPH_LOG_LEVEL ?? (raw.NODE_ENV === 'test' ? 'warn' : 'info'),
      logPretty: raw.FNGRAPH_LOG_PRETTY,
      logHttpRequests: raw.FNGRAPH_LOG_HTTP_REQUESTS,
      logRequestContext: raw.FNGRAPH_LOG_REQUEST_CONTEXT || (raw.FNGRAPH_OTLP_ENDPOINT ?? raw.OTEL_EXPORTER_OTLP_ENDPOINT) !== undefined,
      metrics: raw.FNGRAPH_METRICS,
      metricsMaxFunctions: raw.FNGRAPH_METRICS_MAX_FUNCTIONS,
      metricsMaxVersions: raw.FNGRAPH_METRICS_MAX_VERSIONS,
      metricsMaxOperations: raw.FNGRAPH_METRICS_MAX_OPERATIONS,
      otlpEndpoint: raw.FNGRAPH_OTLP_ENDPOINT ?? raw.OTEL_EXPORTER_OTLP_ENDPOINT,
      serviceName: raw.OTEL_SERVICE_NAME,
      traceSampleRatio: raw.FNGRAPH_TRACE_SAMPLE_RATIO,
      platformErrorsKept: raw.FNGRAPH_PLATFORM_ERRORS_KEPT,
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
