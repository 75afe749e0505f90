import { z } from 'zod';
import { parseRangeWithPort } from '@/kernel/network/address-range.js';

const MiB = 1024 * 1024;

const integer = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

const optionalInteger = (min: number, max: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => (value === undefined || value === '' ? undefined : Number(value)))
    .refine((value) => value === undefined || (Number.isInteger(value) && value >= min && value <= max), {
      message: `must be a whole number from ${min} to ${max}`,
    });

const boolean = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1' || value === 'yes');

const ratio = (fallback: number) => z.coerce.number().min(0).max(1).default(fallback);

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => (value === '' ? undefined : value))
    .refine((value) => value === undefined || protocols.some((p) => value.startsWith(p)), {
      message: `must start with ${protocols.join(' or ')}`,
    });

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

/** A port number (0: any free one), or nothing: no such listener. */
const optionalPort = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value === undefined || value === '' ? undefined : Number(value)))
  .refine((value) => value === undefined || (Number.isInteger(value) && value >= 0 && value <= 65535), { message: 'must be a port number (0-65535)' });

const base64Key = z.string().refine((value) => Buffer.from(value.trim(), 'base64').length === 32, {
  message: 'must be 32 bytes encoded as base64 (e.g. `openssl rand -base64 32`)',
});

/**
 * Every environment variable fngraph reads, with its default. Nothing else in the
 * code base reads `process.env`; README's configuration table mirrors this schema.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: integer(8080, 0, 65535),
  FNGRAPH_PUBLIC_URL: z.string().url().optional(),
  // The functions' own origin (README: Security): their public base URL, and a listener serving only them.
  FNGRAPH_FUNCTIONS_URL: z
    .string()
    .url()
    .refine((value) => /^https?:\/\//.test(value), { message: 'must start with http:// or https://' })
    .optional(),
  FNGRAPH_FUNCTIONS_PORT: optionalPort,
  FNGRAPH_DATA_DIR: z.string().default('./data'),
  // Where archive versions' files are laid out for sandboxes (default <FNGRAPH_DATA_DIR>/code).
  FNGRAPH_CODE_DIR: z.string().min(1).optional(),
  MONGODB_URI: optionalUrl(['mongodb://', 'mongodb+srv://']),
  REDIS_URL: optionalUrl(['redis://', 'rediss://']),
  FNGRAPH_REDIS_COMMAND_TIMEOUT_MS: integer(500, 50, 60_000),
  FNGRAPH_MASTER_KEY: base64Key.optional(),
  FNGRAPH_EXECUTOR: z.enum(['process', 'docker']).default('process'),
  FNGRAPH_SANDBOX_NODE_BINARY: z.string().default(process.execPath),
  FNGRAPH_SANDBOX_PYTHON_BINARY: z.string().default('/usr/bin/python3'),
  // The Node.js binaries of the nodejs<major> runtimes (process executor); unset: discovered.
  FNGRAPH_NODE_BINARIES: z
    .string()
    .trim()
    .optional()
    .refine((value) => value === undefined || value.split(',').every((path) => path.trim().startsWith('/')), {
      message: 'must be a comma-separated list of absolute paths of node binaries',
    }),
  // Host tools (run sandboxed): registration-time Python syntax checks, dependency installs.
  FNGRAPH_BUILD_PYTHON_BINARY: z.string().min(1).default('python3'),
  FNGRAPH_NPM_BINARY: z.string().min(1).default('npm'),
  FNGRAPH_DEPENDENCY_BUILD_TIMEOUT_SECONDS: integer(300, 5, 3600),
  FNGRAPH_DEPENDENCY_BUILD_CONCURRENCY: integer(2, 1, 64),
  // The registration-time Python syntax check (sandboxed like the builds).
  FNGRAPH_PYTHON_CHECK_MAX_BYTES: integer(MiB, 1024, 50 * MiB),
  FNGRAPH_PYTHON_CHECK_MEMORY_MB: integer(256, 32, 65536),
  FNGRAPH_PYTHON_CHECK_CONCURRENCY: integer(2, 1, 64),
  FNGRAPH_SANDBOX_BWRAP_BINARY: z.string().default('bwrap'),
  FNGRAPH_REQUIRE_ISOLATION: boolean(false),
  FNGRAPH_SANDBOX_LIMITS: z.enum(['auto', 'cgroup', 'rlimit']).default('auto'),
  FNGRAPH_SANDBOX_UID: integer(10001, 1, 2 ** 31 - 1),
  FNGRAPH_SANDBOX_GID: integer(10001, 1, 2 ** 31 - 1),
  FNGRAPH_SANDBOX_CPUS: z.coerce.number().min(0.01).max(256).default(1),
  FNGRAPH_SANDBOX_PIDS_LIMIT: integer(64, 8, 100_000),
  FNGRAPH_SANDBOX_TMP_MB: integer(64, 1, 65536),
  // Output budget of one sandbox (0 = off): a sandbox writing faster, or one invocation writing more, is killed.
  FNGRAPH_SANDBOX_OUTPUT_BYTES_PER_SECOND: integer(4 * MiB, 0, 1024 * MiB),
  FNGRAPH_SANDBOX_OUTPUT_MAX_BYTES: integer(64 * MiB, 0, 64 * 1024 * MiB),
  FNGRAPH_SANDBOX_FREEZE_IDLE: boolean(true),
  FNGRAPH_SANDBOX_FREEZE_AFTER_MS: integer(2, 0, 1000),
  // Process sandboxes: Node.js's compile cache of the shim, built by the server at start-up, read-only in sandboxes.
  FNGRAPH_SANDBOX_COMPILE_CACHE: boolean(true),
  // Generic sandboxes started ahead of need: `<runtime>:<memory MB>=<count>`, comma-separated.
  FNGRAPH_PREWARM_SANDBOXES: z
    .string()
    .trim()
    .default('')
    .refine((value) => value === '' || value.split(',').every((entry) => /^[a-z0-9.]+:\d+=\d+$/.test(entry.trim())), {
      message: 'must be a comma-separated list of <runtime>:<memory MB>=<count>, e.g. nodejs24:128=2,python3.11:128=1',
    }),
  // Outbound network of functions that ask for it (README: "Network access (egress)").
  FNGRAPH_EGRESS_ENABLED: boolean(true),
  // Internal ranges (loopback, private, link-local...) the operator lets functions reach: CIDR[:port], comma-separated.
  FNGRAPH_EGRESS_ALLOW_PRIVATE: z
    .string()
    .trim()
    .default('')
    .refine((value) => value === '' || value.split(',').every((entry) => parseRangeWithPort(entry, 'any') !== null), {
      message: 'must be a comma-separated list of CIDR[:port], e.g. 10.0.0.0/8,192.168.1.5:5432,[fd00::/8]:443',
    }),
  FNGRAPH_EGRESS_MAX_CONNECTIONS: integer(64, 1, 100_000),
  FNGRAPH_DOCKER_HOST: z
    .string()
    .default('unix:///var/run/docker.sock')
    .refine((value) => /^(unix|tcp|http|https):\/\//.test(value), { message: 'must be unix:///path, tcp://host:port or http(s)://host:port' }),
  FNGRAPH_DOCKER_PROTOCOL: z.enum(['auto', 'attach']).default('auto'),
  FNGRAPH_MAX_CODE_BYTES: integer(4 * MiB, 1024, 50 * MiB),
  FNGRAPH_MAX_BODY_BYTES: integer(6 * MiB, 1024, 100 * MiB),
  FNGRAPH_MAX_TIMEOUT_SECONDS: integer(900, 1, 3600),
  FNGRAPH_DEFAULT_TIMEOUT_SECONDS: integer(30, 1, 3600),
  FNGRAPH_MIN_MEMORY_MB: integer(32, 16, 65536),
  FNGRAPH_MAX_MEMORY_MB: integer(4096, 16, 65536),
  FNGRAPH_DEFAULT_MEMORY_MB: integer(128, 16, 65536),
  FNGRAPH_MAX_INSTANCES_PER_FUNCTION: integer(4, 1, 1000),
  FNGRAPH_MAX_QUEUED_PER_FUNCTION: integer(100, 0, 100_000),
  FNGRAPH_QUEUE_TIMEOUT_MS: integer(10_000, 0, 600_000),
  FNGRAPH_SANDBOX_IDLE_SECONDS: integer(300, 1, 86400),
  // Autoscaling of warm sandboxes (Knative KPA-style) and the node-wide sandbox limit.
  FNGRAPH_MAX_SANDBOXES: integer(200, 1, 100_000),
  // Admission control of sandboxes (see AppConfig.autoscaling); unset: derived from the machine and the node-wide limits.
  FNGRAPH_NODE_MEMORY_BUDGET_MB: optionalInteger(16, 16_777_216),
  FNGRAPH_OWNER_MAX_SANDBOXES: optionalInteger(1, 100_000),
  FNGRAPH_OWNER_MEMORY_MB: optionalInteger(16, 16_777_216),
  FNGRAPH_OWNER_PREWARM_MEMORY_MB: integer(2048, 0, 16_777_216),
  FNGRAPH_AUTOSCALE_STABLE_WINDOW_SECONDS: integer(60, 1, 3600),
  FNGRAPH_AUTOSCALE_PANIC_WINDOW_SECONDS: integer(6, 1, 3600),
  FNGRAPH_AUTOSCALE_PANIC_THRESHOLD: z.coerce.number().min(1).max(100).default(2),
  FNGRAPH_AUTOSCALE_TICK_MS: integer(1000, 50, 60_000),
  FNGRAPH_MAX_LOG_LINES: integer(1000, 1, 1_000_000),
  FNGRAPH_MAX_LOG_LINE_BYTES: integer(8192, 64, MiB),
  FNGRAPH_MAX_RESPONSE_BYTES: integer(6 * MiB, 1024, 100 * MiB),
  FNGRAPH_GRAPHIQL: boolean(true),
  FNGRAPH_CONSOLE: boolean(true),
  FNGRAPH_SHUTDOWN_GRACE_SECONDS: integer(10, 0, 3600),
  // Durable execution (see AppConfig.delivery).
  FNGRAPH_ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  FNGRAPH_WORKER_CONCURRENCY: integer(16, 1, 1000),
  FNGRAPH_QUEUE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, dash and underscore, at most 64')
    .default('invocations'),
  FNGRAPH_RECORD_BACKLOG_MAX: integer(10_000, 10, 1_000_000),
  FNGRAPH_NODE_HEARTBEAT_SECONDS: integer(5, 1, 300),
  FNGRAPH_NODE_TIMEOUT_SECONDS: integer(30, 2, 3600),
  FNGRAPH_JOB_LEASE_SECONDS: integer(30, 2, 3600),
  FNGRAPH_IDEMPOTENCY_WINDOW_SECONDS: integer(86_400, 60, 30 * 86_400),
  // 0: invocation payloads are kept as long as their records.
  FNGRAPH_INVOCATION_PAYLOAD_RETENTION_DAYS: integer(0, 0, 36_500),
  FNGRAPH_INVOCATION_PURGE_INTERVAL_SECONDS: integer(3600, 1, 86_400),
  FNGRAPH_SEAL_INVOCATION_DATA: boolean(false),
  // Names this process among the nodes sharing a store (see AppConfig.nodeId).
  FNGRAPH_NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'letters, digits, dot, dash and underscore, at most 63')
    .optional(),

  // Cron triggers (`schedules` on functions): whether this node claims ticks, how often a schedule may fire, how late a missed tick still runs.
  FNGRAPH_SCHEDULER: z.enum(['on', 'off']).default('on'),
  FNGRAPH_SCHEDULE_MIN_INTERVAL_SECONDS: integer(60, 1, 86400),
  FNGRAPH_SCHEDULE_CATCH_UP_SECONDS: integer(300, 10, 86400),

  // Shadow traffic and replay: shadow runs one node makes at once (beyond: skipped, counted; 0: no shadow runs), replayed requests run at once per replay.
  FNGRAPH_SHADOW_CONCURRENCY: integer(4, 0, 1000),
  FNGRAPH_REPLAY_CONCURRENCY: integer(4, 1, 32),
  // Canary releases: the shortest step allowed, how often each node looks at running canaries, p99 noise floor.
  FNGRAPH_CANARY_MIN_STEP_SECONDS: integer(5, 1, 3600),
  FNGRAPH_CANARY_CHECK_INTERVAL_MS: integer(1000, 50, 60_000),
  FNGRAPH_CANARY_P99_NOISE_FLOOR_MS: integer(50, 0, 600_000),

  // Encryption at rest: older master keys, still accepted for reading during a rotation.
  FNGRAPH_PREVIOUS_MASTER_KEYS: optionalText.refine(
    (value) => value === undefined || value.split(',').every((key) => base64Key.safeParse(key.trim()).success),
    { message: 'must be a comma-separated list of 32-byte base64 keys' },
  ),

  // Authentication.
  FNGRAPH_BOOTSTRAP_ADMIN_KEY: optionalText.refine((value) => value === undefined || /^fng_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/.test(value), {
    message: 'must be an API key of the form fng_<12 lower-case letters or digits>_<43 base64url characters> (see `npm run new-api-key`)',
  }),
  FNGRAPH_API_KEY_CACHE_SECONDS: integer(5, 0, 300),
  FNGRAPH_JWT_SECRET: optionalText.refine((value) => value === undefined || Buffer.byteLength(value) >= 32, {
    message: 'must be at least 32 bytes (HS256)',
  }),
  FNGRAPH_JWT_PUBLIC_KEY: optionalText,
  FNGRAPH_JWT_JWKS_URL: optionalUrl(['https://', 'http://']),
  FNGRAPH_JWT_JWKS_FILE: optionalText,
  FNGRAPH_JWT_ISSUER: optionalText,
  FNGRAPH_JWT_AUDIENCE: optionalText,
  FNGRAPH_JWT_ROLES_CLAIM: z.string().trim().min(1).default('roles'),
  FNGRAPH_JWT_CLOCK_TOLERANCE_SECONDS: integer(5, 0, 300),
  FNGRAPH_TRUST_PROXY: optionalText,

  // Rate limits and quotas (0 = unlimited).
  FNGRAPH_RATE_LIMIT_WINDOW_SECONDS: integer(60, 1, 86400),
  FNGRAPH_RATE_LIMIT_REQUESTS: integer(1200, 0, 10_000_000),
  FNGRAPH_RATE_LIMIT_ANONYMOUS_REQUESTS: integer(600, 0, 10_000_000),
  FNGRAPH_RATE_LIMIT_FUNCTION_INVOCATIONS: integer(0, 0, 10_000_000),
  FNGRAPH_QUOTA_DAILY_INVOCATIONS_PER_OWNER: integer(0, 0, 1_000_000_000),
  FNGRAPH_RATE_LIMIT_KEY_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/)
    .default('fngraph:rl'),
  FNGRAPH_RATE_LIMIT_ON_REDIS_DOWN: z.enum(['open', 'closed']).default('open'),

  // GraphQL hardening.
  FNGRAPH_GRAPHQL_MAX_DEPTH: integer(12, 2, 100),
  FNGRAPH_GRAPHQL_MAX_ALIASES: integer(20, 0, 1000),
  FNGRAPH_GRAPHQL_MAX_COST: integer(50_000, 10, 10_000_000),
  FNGRAPH_GRAPHQL_MAX_TOKENS: integer(2000, 50, 100_000),
  FNGRAPH_GRAPHQL_MAX_DIRECTIVES: integer(20, 0, 1000),
  // Items assumed for a list the API does not page (a function's versions), in the cost.
  FNGRAPH_GRAPHQL_LIST_BOUND: integer(100, 1, 100_000),
  FNGRAPH_GRAPHQL_MAX_RESPONSE_BYTES: integer(32 * MiB, 1024, 1024 * MiB),
  // Slow and anonymous request bodies.
  FNGRAPH_HEADERS_TIMEOUT_MS: integer(20_000, 100, 600_000),
  FNGRAPH_BODY_TIMEOUT_MS: integer(60_000, 100, 3_600_000),
  FNGRAPH_MAX_ANONYMOUS_UPLOADS: integer(16, 1, 100_000),
  // Observability: logs, metrics, traces, platform errors.
  FNGRAPH_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  FNGRAPH_LOG_PRETTY: boolean(false),
  FNGRAPH_LOG_HTTP_REQUESTS: boolean(true),
  FNGRAPH_LOG_REQUEST_CONTEXT: boolean(false),
  FNGRAPH_METRICS: boolean(true),
  // A second listener serving only /metrics, without credentials, for scrapers on an internal network.
  FNGRAPH_METRICS_PORT: optionalPort,
  FNGRAPH_METRICS_MAX_FUNCTIONS: integer(100, 1, 100_000),
  FNGRAPH_METRICS_MAX_VERSIONS: integer(3, 1, 1000),
  FNGRAPH_METRICS_MAX_OPERATIONS: integer(100, 1, 100_000),
  FNGRAPH_METRICS_MAX_OWNERS: integer(50, 0, 10_000),
  FNGRAPH_OTLP_ENDPOINT: optionalUrl(['http://', 'https://']),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl(['http://', 'https://']),
  OTEL_SERVICE_NAME: z.string().trim().min(1).default('fngraph'),
  FNGRAPH_TRACE_SAMPLE_RATIO: ratio(1),
  FNGRAPH_PLATFORM_ERRORS_KEPT: integer(100, 1, 10_000),
});

export type RawConfig = z.infer<typeof configSchema>;
