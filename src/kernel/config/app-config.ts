import { randomBytes } from 'node:crypto';
import { hostname, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { type AddressRange, parseRangeWithPort } from '@/kernel/network/address-range.js';
import { configSchema, type RawConfig } from './config.validation.js';

/** The default node id: one per process, whichever configurations it builds. */
const PROCESS_NODE_ID = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

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
  /** Sum over an owner's functions of the latest version's `minInstances × memoryLimit` (0: no quota). */
  ownerPrewarmMemoryMb: number;
}

/** Warm sandboxes follow demand per function version (see `Autoscaler`), within a node-wide limit. */
export interface AutoscalingConfig {
  stableWindowMs: number;
  panicWindowMs: number;
  /** Panic when the panic window wants this many times the sandboxes there are. */
  panicThreshold: number;
  /** How often demand is sampled and decisions are acted on. */
  tickMs: number;
  /** Sandboxes of function versions on this node, at most (pre-warmed generic ones aside). */
  maxSandboxes: number;
  /** Sum of the memory limits of those sandboxes, at most. */
  memoryBudgetMb: number;
  /** Sandboxes of one owner's functions on this node, at most. */
  ownerMaxSandboxes: number;
  /** Sum of the memory limits of one owner's sandboxes on this node, at most. */
  ownerMemoryMb: number;
}

export interface DependencyBuildConfig {
  /** Python for syntax checks at registration and `-m pip` installs (run in the tool sandbox). */
  pythonBinary: string;
  npmBinary: string;
  timeoutMs: number;
  /** Dependency sets installed at the same time, at most. */
  concurrency: number;
  /**
   * The only variables package managers see: what they need to reach their registries
   * (HOME, PATH, npm and pip settings, proxies, CA bundles). Never the platform's secrets.
   */
  environment: Record<string, string>;
}

/** The registration-time Python syntax check: one short-lived sandboxed parser per check. */
export interface PythonCheckConfig {
  /** Larger Python source is refused without parsing it. */
  maxSourceBytes: number;
  /** Memory the parser may use (rlimit); source that needs more is refused. */
  memoryMb: number;
  /** Checks running at once, at most; the others wait their turn. */
  concurrency: number;
}

export interface JwtConfig {
  /** HS256 shared secret. */
  secret: string | undefined;
  /** PEM (SPKI) public key for RS256/ES256. */
  publicKey: string | undefined;
  jwksUrl: string | undefined;
  jwksFile: string | undefined;
  issuer: string | undefined;
  audience: string | undefined;
  rolesClaim: string;
  clockToleranceSeconds: number;
}

export interface AuthConfig {
  bootstrapAdminKey: string | undefined;
  apiKeyCacheSeconds: number;
  jwt: JwtConfig;
  /** Express `trust proxy` value; undefined = trust no proxy (client address = socket address). */
  trustProxy: string | undefined;
}

export interface RateLimitConfig {
  windowSeconds: number;
  /** Per API key / JWT subject per window; 0 = unlimited. */
  requestsPerPrincipal: number;
  /** Per client address per window for requests without credentials; 0 = unlimited. */
  anonymousRequests: number;
  /** Invocations per function per window; 0 = unlimited. */
  invocationsPerFunction: number;
  /** Invocations per day of all functions of one owner; 0 = unlimited. */
  dailyInvocationsPerOwner: number;
  keyPrefix: string;
  /** Redis unreachable: `open` counts in this process meanwhile, `closed` refuses (503). */
  onRedisDown: 'open' | 'closed';
}

export interface GraphQLLimitsConfig {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  maxTokens: number;
  maxDirectives: number;
  /** Items assumed for a list that is not paged and has no bound of its own (a function's versions). */
  unpagedListBound: number;
  /** Largest serialized result of one operation (or one subscription event). */
  maxResponseBytes: number;
}

/** How long and how many request bodies the server waits for, before and after knowing the caller. */
export interface RequestBodyConfig {
  /** The request line and headers must arrive within this (Node's `server.headersTimeout`). */
  headersTimeoutMs: number;
  /** A body must arrive whole within this after its headers, else 408. */
  bodyTimeoutMs: number;
  /** Bodies of callers without credentials read at once, per node; more are refused (503). */
  maxAnonymousUploads: number;
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
  /** Generic sandboxes kept started per runtime and memory size, to specialise on a first call. */
  prewarm: Array<{ runtime: string; memoryLimitMb: number; count: number }>;
  /** Size of the sandbox's writable /tmp. */
  tmpMb: number;
  /** What one sandbox may write (0 = unlimited): its rate, and one invocation's total. Beyond, it is killed. */
  output: { bytesPerSecond: number; maxBytesPerInvocation: number };
  /** Freeze sandboxes while they wait in their pool (no CPU between invocations). */
  freezeIdle: boolean;
  /** How long a sandbox back in its pool waits for its next invocation before it is frozen (0: at the next turn of the event loop). */
  freezeAfterMs: number;
  /**
   * Process sandboxes under bubblewrap start Node.js with a compile cache of the shim, which
   * the server builds at start-up under `<dataDir>/compile-cache` and sandboxes get read-only.
   */
  compileCache: boolean;
}

/** Outbound network of functions that ask for it (README: "Network access (egress)"). */
export interface EgressConfig {
  /** Off: no function may have network access (registrations asking for it are refused). */
  enabled: boolean;
  /** Internal destinations (otherwise always refused) that functions may reach when their allow-list names them too. */
  allowPrivate: AddressRange[];
  /** Open connections of one sandbox, at most. */
  maxConnectionsPerSandbox: number;
}

export type NodeRole = RawConfig['FNGRAPH_ROLE'];

/** How invocations are kept and delivered across nodes (README: Delivery guarantees). */
export interface DeliveryConfig {
  /** `api` nodes take requests and queue async work; `worker` nodes run queued work; `all` does both. */
  role: NodeRole;
  /** Queued invocations one node runs at once. */
  workerConcurrency: number;
  /** The Redis queue (`fngraph:<name>:*`): nodes sharing a store share it; installations sharing a Redis must not. */
  queueName: string;
  /** Records waiting to be stored beyond which new invocations are refused (503). */
  recordBacklogMax: number;
  heartbeatSeconds: number;
  /** A node silent this long is dead: its unfinished synchronous work is failed (`NODE_LOST`). */
  nodeTimeoutSeconds: number;
  /** A queued invocation whose worker stops renewing its lease runs again after this. */
  jobLeaseSeconds: number;
  /** How long an idempotency key keeps answering with the invocation it first started. */
  idempotencyWindowSeconds: number;
  /** Finished invocations older than this lose request, response and logs (metadata stays); 0 keeps them. */
  payloadRetentionDays: number;
  /** How often each node runs that purge. */
  purgeIntervalSeconds: number;
  /** Store invocation requests, responses and logs sealed under the master key (opened on read). */
  sealInvocationData: boolean;
}

/** Canary releases (README: "Releasing safely"). */
export interface CanaryConfig {
  /** `stepSeconds` below this are refused (5; tests go lower). */
  minStepSeconds: number;
  /** How often each node looks at the running canaries: for steps due, and for hand edits of their aliases. */
  checkIntervalMs: number;
  /** p99 differences up to this many ms never fail a step, whatever the ratio (millisecond durations are noise). */
  p99NoiseFloorMs: number;
}

/** Shadow traffic and replay (README: "Releasing safely"). */
export interface ComparisonsConfig {
  /** Shadow runs in flight on this node at most; a call finding them all busy is not shadowed (counted as skipped). 0: none. */
  shadowConcurrency: number;
  /** Recorded requests one `replayInvocations` runs at once. */
  replayConcurrency: number;
}

/** Cron triggers (README: "Schedules"). */
export interface SchedulesConfig {
  /** This node claims and starts ticks; off: it still serves schedules, it never runs them. */
  scheduler: boolean;
  /** Schedules that would fire more often than this are refused (60: no per-second cron). */
  minIntervalSeconds: number;
  /** A tick missed (every node down, or late) still runs if at most this old; only the latest missed one. */
  catchUpSeconds: number;
}

export type LogLevel = NonNullable<RawConfig['FNGRAPH_LOG_LEVEL']>;

export interface ObservabilityConfig {
  /** `AppConfig.nodeId`, on every log line. */
  nodeId: string;
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
  /** Serve Prometheus metrics at `GET /metrics` (on the API port, to admins only). */
  metrics: boolean;
  /**
   * Also serve them, without credentials, on this port of `HOST` (0: any free port), for
   * Prometheus on an internal network; undefined: no such listener.
   */
  metricsPort: number | undefined;
  /** Distinct function names with their own metric labels; the rest share `other`. */
  metricsMaxFunctions: number;
  /** Most recently used versions per function with their own `version` label. */
  metricsMaxVersions: number;
  /** Distinct GraphQL operation names with their own metric labels; the rest share `other`. */
  metricsMaxOperations: number;
  /** Owners with their own series in the per-owner sandbox gauges (the rest share `other`; 0: no per-owner series). */
  metricsMaxOwners: number;
  /** OTLP/HTTP base URL (`…/v1/traces` is appended); tracing is off without one. */
  otlpEndpoint: string | undefined;
  serviceName: string;
  /** Fraction of new traces recorded (a caller's sampling decision is kept). */
  traceSampleRatio: number;
  /** Recent unexpected errors kept in memory per node for `platformErrors`. */
  platformErrorsKept: number;
}

/**
 * Where functions answer HTTP (README: Security, "Function origin"). Without a port of
 * their own they share the API's origin, where their responses are contained.
 */
export interface FunctionsOriginConfig {
  /** Public base URL of the functions' endpoints (no trailing slash); undefined: derived (see `PublicUrls`). */
  url: string | undefined;
  /** A second listener on `HOST` serving only function endpoints (0: any free port); undefined: none. */
  port: number | undefined;
}

export class ConfigError extends Error {}

/** The validated, typed configuration. Injected wherever a setting is needed. */
export class AppConfig {
  readonly env: RawConfig['NODE_ENV'];
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string | undefined;
  readonly functionsOrigin: FunctionsOriginConfig;
  readonly dataDir: string;
  /**
   * 0700, except 0711 (traversable, not listable) when the server runs as root: sandboxes and
   * dependency builds then run as the sandbox user and must reach the dependency cache inside.
   * Its files are 0600 either way.
   */
  readonly dataDirMode: number;
  /**
   * Where archive versions' files are laid out (plain files, read-only in sandboxes), one
   * folder per archive: `FNGRAPH_CODE_DIR`, default `<dataDir>/code`. A tmpfs keeps code
   * sealed at rest everywhere; folders are laid out again from the sealed archive when missing.
   */
  readonly codeDir: string;
  readonly mongodbUri: string | undefined;
  readonly redisUrl: string | undefined;
  /** Bound on the Redis commands of the request path (rate limits, event publishing), which never wait for a reconnection. */
  readonly redisCommandTimeoutMs: number;
  readonly masterKey: Buffer | undefined;
  /** Older master keys, for reading data not yet rewrapped under `masterKey`. */
  readonly previousMasterKeys: Buffer[];
  readonly auth: AuthConfig;
  readonly rateLimits: RateLimitConfig;
  readonly graphqlLimits: GraphQLLimitsConfig;
  readonly requestBodies: RequestBodyConfig;
  readonly executor: ExecutorKind;
  readonly sandboxNodeBinary: string;
  /** FNGRAPH_NODE_BINARIES: the Node.js of each nodejs<major> runtime; null: discovered by the process executor. */
  readonly nodeBinaries: string[] | null;
  readonly sandboxPythonBinary: string;
  readonly sandbox: SandboxConfig;
  readonly egress: EgressConfig;
  readonly dockerHost: string;
  /**
   * FNGRAPH_DOCKER_PROTOCOL: `auto` speaks to a container's shim over a unix socket mounted into
   * it when the engine is on this host and the server runs as root, else over the engine's attach
   * stream; `attach` always over the attach stream.
   */
  readonly dockerProtocol: 'auto' | 'attach';
  readonly graphiql: boolean;
  /** The web console at `/` (FNGRAPH_CONSOLE), served from the build's `dist/console`. */
  readonly console: boolean;
  /** How long running invocations may finish when the server stops. */
  readonly shutdownGraceSeconds: number;
  /**
   * This process among the nodes sharing Redis and a store: on logs, traces, health,
   * live metrics and the invocations it runs (so that a dead node's work can be found).
   * Unless set: host name (the pod's name on Kubernetes), process id and a random part,
   * so a restart is a new node.
   */
  readonly nodeId: string;
  readonly delivery: DeliveryConfig;
  readonly limits: LimitsConfig;
  readonly autoscaling: AutoscalingConfig;
  readonly dependencyBuild: DependencyBuildConfig;
  readonly pythonCheck: PythonCheckConfig;
  readonly observability: ObservabilityConfig;
  readonly schedules: SchedulesConfig;
  readonly comparisons: ComparisonsConfig;
  readonly canary: CanaryConfig;

  /** `env` is the whole environment, for the variables handed on to package managers. */
  constructor(raw: RawConfig, env: Record<string, string | undefined> = {}) {
    this.env = raw.NODE_ENV;
    this.host = raw.HOST;
    this.port = raw.PORT;
    this.publicUrl = raw.FNGRAPH_PUBLIC_URL;
    this.functionsOrigin = { url: raw.FNGRAPH_FUNCTIONS_URL?.replace(/\/+$/, ''), port: raw.FNGRAPH_FUNCTIONS_PORT };
    this.dataDir = resolve(raw.FNGRAPH_DATA_DIR);
    this.codeDir = resolve(raw.FNGRAPH_CODE_DIR ?? join(this.dataDir, 'code'));
    this.mongodbUri = raw.MONGODB_URI;
    this.redisUrl = raw.REDIS_URL;
    this.redisCommandTimeoutMs = raw.FNGRAPH_REDIS_COMMAND_TIMEOUT_MS;
    this.masterKey = raw.FNGRAPH_MASTER_KEY ? Buffer.from(raw.FNGRAPH_MASTER_KEY.trim(), 'base64') : undefined;
    this.previousMasterKeys = (raw.FNGRAPH_PREVIOUS_MASTER_KEYS ?? '')
      .split(',')
      .map((key) => key.trim())
      .filter((key) => key !== '')
      .map((key) => Buffer.from(key, 'base64'));
    this.auth = {
      bootstrapAdminKey: raw.FNGRAPH_BOOTSTRAP_ADMIN_KEY,
      apiKeyCacheSeconds: raw.FNGRAPH_API_KEY_CACHE_SECONDS,
      jwt: {
        secret: raw.FNGRAPH_JWT_SECRET,
        publicKey: raw.FNGRAPH_JWT_PUBLIC_KEY?.replace(/\\n/g, '\n'),
        jwksUrl: raw.FNGRAPH_JWT_JWKS_URL,
        jwksFile: raw.FNGRAPH_JWT_JWKS_FILE ? resolve(raw.FNGRAPH_JWT_JWKS_FILE) : undefined,
        issuer: raw.FNGRAPH_JWT_ISSUER,
        audience: raw.FNGRAPH_JWT_AUDIENCE,
        rolesClaim: raw.FNGRAPH_JWT_ROLES_CLAIM,
        clockToleranceSeconds: raw.FNGRAPH_JWT_CLOCK_TOLERANCE_SECONDS,
      },
      trustProxy: raw.FNGRAPH_TRUST_PROXY,
    };
    this.rateLimits = {
      windowSeconds: raw.FNGRAPH_RATE_LIMIT_WINDOW_SECONDS,
      requestsPerPrincipal: raw.FNGRAPH_RATE_LIMIT_REQUESTS,
      anonymousRequests: raw.FNGRAPH_RATE_LIMIT_ANONYMOUS_REQUESTS,
      invocationsPerFunction: raw.FNGRAPH_RATE_LIMIT_FUNCTION_INVOCATIONS,
      dailyInvocationsPerOwner: raw.FNGRAPH_QUOTA_DAILY_INVOCATIONS_PER_OWNER,
      keyPrefix: raw.FNGRAPH_RATE_LIMIT_KEY_PREFIX,
      onRedisDown: raw.FNGRAPH_RATE_LIMIT_ON_REDIS_DOWN,
    };
    this.graphqlLimits = {
      maxDepth: raw.FNGRAPH_GRAPHQL_MAX_DEPTH,
      maxAliases: raw.FNGRAPH_GRAPHQL_MAX_ALIASES,
      maxCost: raw.FNGRAPH_GRAPHQL_MAX_COST,
      maxTokens: raw.FNGRAPH_GRAPHQL_MAX_TOKENS,
      maxDirectives: raw.FNGRAPH_GRAPHQL_MAX_DIRECTIVES,
      unpagedListBound: raw.FNGRAPH_GRAPHQL_LIST_BOUND,
      maxResponseBytes: raw.FNGRAPH_GRAPHQL_MAX_RESPONSE_BYTES,
    };
    this.requestBodies = {
      headersTimeoutMs: raw.FNGRAPH_HEADERS_TIMEOUT_MS,
      bodyTimeoutMs: raw.FNGRAPH_BODY_TIMEOUT_MS,
      maxAnonymousUploads: raw.FNGRAPH_MAX_ANONYMOUS_UPLOADS,
    };
    this.executor = raw.FNGRAPH_EXECUTOR;
    this.dataDirMode = process.getuid?.() === 0 ? 0o711 : 0o700;
    this.sandboxNodeBinary = raw.FNGRAPH_SANDBOX_NODE_BINARY;
    this.nodeBinaries = raw.FNGRAPH_NODE_BINARIES ? raw.FNGRAPH_NODE_BINARIES.split(',').map((path) => path.trim()) : null;
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
      output: { bytesPerSecond: raw.FNGRAPH_SANDBOX_OUTPUT_BYTES_PER_SECOND, maxBytesPerInvocation: raw.FNGRAPH_SANDBOX_OUTPUT_MAX_BYTES },
      freezeIdle: raw.FNGRAPH_SANDBOX_FREEZE_IDLE,
      freezeAfterMs: raw.FNGRAPH_SANDBOX_FREEZE_AFTER_MS,
      compileCache: raw.FNGRAPH_SANDBOX_COMPILE_CACHE,
      prewarm: parsePrewarm(raw.FNGRAPH_PREWARM_SANDBOXES),
    };
    this.egress = {
      enabled: raw.FNGRAPH_EGRESS_ENABLED,
      allowPrivate: raw.FNGRAPH_EGRESS_ALLOW_PRIVATE.split(',')
        .filter((entry) => entry.trim() !== '')
        .map((entry) => parseRangeWithPort(entry, 'any')!),
      maxConnectionsPerSandbox: raw.FNGRAPH_EGRESS_MAX_CONNECTIONS,
    };
    this.dockerHost = raw.FNGRAPH_DOCKER_HOST;
    this.dockerProtocol = raw.FNGRAPH_DOCKER_PROTOCOL;
    this.graphiql = raw.FNGRAPH_GRAPHIQL && raw.NODE_ENV !== 'production';
    this.console = raw.FNGRAPH_CONSOLE;
    this.shutdownGraceSeconds = raw.FNGRAPH_SHUTDOWN_GRACE_SECONDS;
    this.nodeId = raw.FNGRAPH_NODE_ID ?? PROCESS_NODE_ID;
    this.delivery = {
      role: raw.FNGRAPH_ROLE,
      workerConcurrency: raw.FNGRAPH_WORKER_CONCURRENCY,
      queueName: raw.FNGRAPH_QUEUE_NAME,
      recordBacklogMax: raw.FNGRAPH_RECORD_BACKLOG_MAX,
      heartbeatSeconds: raw.FNGRAPH_NODE_HEARTBEAT_SECONDS,
      nodeTimeoutSeconds: raw.FNGRAPH_NODE_TIMEOUT_SECONDS,
      jobLeaseSeconds: raw.FNGRAPH_JOB_LEASE_SECONDS,
      idempotencyWindowSeconds: raw.FNGRAPH_IDEMPOTENCY_WINDOW_SECONDS,
      payloadRetentionDays: raw.FNGRAPH_INVOCATION_PAYLOAD_RETENTION_DAYS,
      purgeIntervalSeconds: raw.FNGRAPH_INVOCATION_PURGE_INTERVAL_SECONDS,
      sealInvocationData: raw.FNGRAPH_SEAL_INVOCATION_DATA,
    };
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
      ownerPrewarmMemoryMb: raw.FNGRAPH_OWNER_PREWARM_MEMORY_MB,
    };
    this.autoscaling = {
      stableWindowMs: raw.FNGRAPH_AUTOSCALE_STABLE_WINDOW_SECONDS * 1000,
      panicWindowMs: raw.FNGRAPH_AUTOSCALE_PANIC_WINDOW_SECONDS * 1000,
      panicThreshold: raw.FNGRAPH_AUTOSCALE_PANIC_THRESHOLD,
      tickMs: raw.FNGRAPH_AUTOSCALE_TICK_MS,
      maxSandboxes: raw.FNGRAPH_MAX_SANDBOXES,
      ...admissionLimits(raw),
    };
    this.dependencyBuild = {
      pythonBinary: raw.FNGRAPH_BUILD_PYTHON_BINARY,
      npmBinary: raw.FNGRAPH_NPM_BINARY,
      timeoutMs: raw.FNGRAPH_DEPENDENCY_BUILD_TIMEOUT_SECONDS * 1000,
      concurrency: raw.FNGRAPH_DEPENDENCY_BUILD_CONCURRENCY,
      environment: packageManagerEnvironment(env),
    };
    this.pythonCheck = {
      maxSourceBytes: raw.FNGRAPH_PYTHON_CHECK_MAX_BYTES,
      memoryMb: raw.FNGRAPH_PYTHON_CHECK_MEMORY_MB,
      concurrency: raw.FNGRAPH_PYTHON_CHECK_CONCURRENCY,
    };
    this.observability = {
      nodeId: this.nodeId,
      logLevel: raw.FNGRAPH_LOG_LEVEL ?? (raw.NODE_ENV === 'test' ? 'warn' : 'info'),
      logPretty: raw.FNGRAPH_LOG_PRETTY,
      logHttpRequests: raw.FNGRAPH_LOG_HTTP_REQUESTS,
      logRequestContext: raw.FNGRAPH_LOG_REQUEST_CONTEXT || (raw.FNGRAPH_OTLP_ENDPOINT ?? raw.OTEL_EXPORTER_OTLP_ENDPOINT) !== undefined,
      metrics: raw.FNGRAPH_METRICS,
      metricsPort: raw.FNGRAPH_METRICS ? raw.FNGRAPH_METRICS_PORT : undefined,
      metricsMaxFunctions: raw.FNGRAPH_METRICS_MAX_FUNCTIONS,
      metricsMaxVersions: raw.FNGRAPH_METRICS_MAX_VERSIONS,
      metricsMaxOperations: raw.FNGRAPH_METRICS_MAX_OPERATIONS,
      metricsMaxOwners: raw.FNGRAPH_METRICS_MAX_OWNERS,
      otlpEndpoint: raw.FNGRAPH_OTLP_ENDPOINT ?? raw.OTEL_EXPORTER_OTLP_ENDPOINT,
      serviceName: raw.OTEL_SERVICE_NAME,
      traceSampleRatio: raw.FNGRAPH_TRACE_SAMPLE_RATIO,
      platformErrorsKept: raw.FNGRAPH_PLATFORM_ERRORS_KEPT,
    };
    this.schedules = {
      scheduler: raw.FNGRAPH_SCHEDULER === 'on',
      minIntervalSeconds: raw.FNGRAPH_SCHEDULE_MIN_INTERVAL_SECONDS,
      catchUpSeconds: raw.FNGRAPH_SCHEDULE_CATCH_UP_SECONDS,
    };
    this.comparisons = {
      shadowConcurrency: raw.FNGRAPH_SHADOW_CONCURRENCY,
      replayConcurrency: raw.FNGRAPH_REPLAY_CONCURRENCY,
    };
    this.canary = {
      minStepSeconds: raw.FNGRAPH_CANARY_MIN_STEP_SECONDS,
      checkIntervalMs: raw.FNGRAPH_CANARY_CHECK_INTERVAL_MS,
      p99NoiseFloorMs: raw.FNGRAPH_CANARY_P99_NOISE_FLOOR_MS,
    };
    this.assertConsistent();
  }

  get isProduction(): boolean {
    return this.env === 'production';
  }

  /** For command-line entry points: the process's configuration, or exit 78 (EX_CONFIG) with its problems. */
  static fromProcessOrExit(): AppConfig {
    try {
      return AppConfig.fromEnvironment(process.env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
  }

  /** Parses an environment (normally `process.env`); throws one message listing every problem. */
  static fromEnvironment(env: Record<string, string | undefined>): AppConfig {
    const parsed = configSchema.safeParse(env);
    if (!parsed.success) {
      throw new ConfigError(`Invalid configuration:\n${formatIssues(parsed.error)}`);
    }
    return new AppConfig(parsed.data, env);
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
    const { autoscaling } = this;
    if (autoscaling.panicWindowMs > autoscaling.stableWindowMs) {
      problems.push('FNGRAPH_AUTOSCALE_PANIC_WINDOW_SECONDS must not exceed FNGRAPH_AUTOSCALE_STABLE_WINDOW_SECONDS');
    }
    if (autoscaling.tickMs > autoscaling.panicWindowMs) problems.push('FNGRAPH_AUTOSCALE_TICK_MS must not exceed the panic window');
    const { metricsPort } = this.observability;
    if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === this.port) {
      problems.push('FNGRAPH_METRICS_PORT must differ from PORT (the API port serves /metrics to admins only)');
    }
    const functions = this.functionsOrigin;
    if (functions.port !== undefined && functions.port !== 0 && (functions.port === this.port || functions.port === metricsPort)) {
      problems.push('FNGRAPH_FUNCTIONS_PORT must differ from PORT and FNGRAPH_METRICS_PORT (function responses get an origin of their own)');
    }
    if (functions.port !== undefined && functions.url === undefined && this.publicUrl !== undefined) {
      problems.push('FNGRAPH_FUNCTIONS_URL is required with FNGRAPH_FUNCTIONS_PORT when FNGRAPH_PUBLIC_URL is set: the public address of the functions origin');
    }
    if (functions.url !== undefined && this.publicUrl !== undefined && new URL(functions.url).origin === new URL(this.publicUrl).origin) {
      problems.push(
        "FNGRAPH_FUNCTIONS_URL must be another origin than FNGRAPH_PUBLIC_URL (another host or port): that is what keeps functions away from the API's credentials",
      );
    }
    if (this.isProduction && !this.masterKey) {
      problems.push('FNGRAPH_MASTER_KEY is required when NODE_ENV=production');
    }
    const jwt = this.auth.jwt;
    const jwtKeySources = [jwt.secret, jwt.publicKey, jwt.jwksUrl, jwt.jwksFile].filter((v) => v !== undefined).length;
    if (jwtKeySources > 1) {
      // One key source means one algorithm family: no HS/RS confusion by configuration.
      problems.push('Set only one of FNGRAPH_JWT_SECRET, FNGRAPH_JWT_PUBLIC_KEY, FNGRAPH_JWT_JWKS_URL and FNGRAPH_JWT_JWKS_FILE');
    }
    if (jwtKeySources > 0 && (!jwt.issuer || !jwt.audience)) {
      problems.push('FNGRAPH_JWT_ISSUER and FNGRAPH_JWT_AUDIENCE are required when JWT authentication is configured');
    }
    if (jwt.jwksUrl?.startsWith('http://') && this.isProduction) {
      problems.push('FNGRAPH_JWT_JWKS_URL must use https:// when NODE_ENV=production');
    }
    if (problems.length > 0) {
      throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    }
  }
}

/** Exact names package managers may see (besides the prefixed families below). */
const PACKAGE_MANAGER_VARIABLES = new Set([
  'HOME',
  'PATH',
  'LANG',
  'LC_ALL',
  'TMPDIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'NODE_EXTRA_CA_CERTS',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
]);
/** npm reads `npm_config_*` (any case), pip reads `PIP_*`: registry, index, certificates, proxies. */
const PACKAGE_MANAGER_PREFIXES = /^(?:npm_config_|PIP_)/i;

/**
 * The part of an environment that npm and pip need to reach their registries; the
 * platform's own settings (storage URIs, master key, ...) are left out.
 */
export function packageManagerEnvironment(env: Record<string, string | undefined>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (PACKAGE_MANAGER_VARIABLES.has(name) || PACKAGE_MANAGER_PREFIXES.test(name)) picked[name] = value;
  }
  return picked;
}

/** `nodejs24:128=2,python3.11:128=1` → one entry per runtime and memory size. */
/**
 * The node's sandbox memory budget and the per-owner caps; unset, the budget is 75 % of the
 * memory this process may use (the machine's, or its cgroup's when lower) and one owner may
 * take half of the node's sandboxes and budget.
 */
function admissionLimits(raw: RawConfig): Pick<AutoscalingConfig, 'memoryBudgetMb' | 'ownerMaxSandboxes' | 'ownerMemoryMb'> {
  const memoryBudgetMb = raw.FNGRAPH_NODE_MEMORY_BUDGET_MB ?? Math.floor((availableMemoryBytes() * 0.75) / (1024 * 1024));
  return {
    memoryBudgetMb,
    ownerMaxSandboxes: raw.FNGRAPH_OWNER_MAX_SANDBOXES ?? Math.ceil(raw.FNGRAPH_MAX_SANDBOXES / 2),
    ownerMemoryMb: raw.FNGRAPH_OWNER_MEMORY_MB ?? Math.floor(memoryBudgetMb / 2),
  };
}

function availableMemoryBytes(): number {
  // 0 or a huge number (cgroup "max") when the process is not constrained.
  const constrained = process.constrainedMemory?.() ?? 0;
  return constrained > 0 ? Math.min(totalmem(), constrained) : totalmem();
}

function parsePrewarm(value: string): SandboxConfig['prewarm'] {
  if (value === '') return [];
  return value.split(',').map((entry) => {
    const [, runtime, memory, count] = /^([a-z0-9.]+):(\d+)=(\d+)$/.exec(entry.trim()) as RegExpExecArray;
    return { runtime: runtime!, memoryLimitMb: Number(memory), count: Number(count) };
  });
}

function formatIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`).join('\n');
}
