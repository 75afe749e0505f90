import { z } from 'zod';

const MiB = 1024 * 1024;

const integer = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

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

/**
 * Every environment variable fngraph reads, with its default. Nothing else in the
 * code base reads `process.env`; README's configuration table mirrors this schema.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: integer(8080, 0, 65535),
  FNGRAPH_PUBLIC_URL: z.string().url().optional(),
  FNGRAPH_DATA_DIR: z.string().default('./data'),
  MONGODB_URI: optionalUrl(['mongodb://', 'mongodb+srv://']),
  REDIS_URL: optionalUrl(['redis://', 'rediss://']),
  FNGRAPH_MASTER_KEY: z
    .string()
    .optional()
    .refine((value) => value === undefined || Buffer.from(value, 'base64').length === 32, {
      message: 'must be 32 bytes encoded as base64 (e.g. `openssl rand -base64 32`)',
    }),
  FNGRAPH_EXECUTOR: z.enum(['process', 'docker']).default('process'),
  FNGRAPH_SANDBOX_NODE_BINARY: z.string().default(process.execPath),
  FNGRAPH_SANDBOX_PYTHON_BINARY: z.string().default('/usr/bin/python3'),
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
  FNGRAPH_MAX_LOG_LINES: integer(1000, 1, 1_000_000),
  FNGRAPH_MAX_LOG_LINE_BYTES: integer(8192, 64, MiB),
  FNGRAPH_MAX_RESPONSE_BYTES: integer(6 * MiB, 1024, 100 * MiB),
  FNGRAPH_GRAPHIQL: boolean(true),
  FNGRAPH_SHUTDOWN_GRACE_SECONDS: integer(10, 0, 3600),
  // Observability: logs, metrics, traces, platform errors.
  FNGRAPH_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  FNGRAPH_LOG_PRETTY: boolean(false),
  FNGRAPH_LOG_HTTP_REQUESTS: boolean(true),
  FNGRAPH_LOG_REQUEST_CONTEXT: boolean(false),
  FNGRAPH_METRICS: boolean(true),
  FNGRAPH_METRICS_MAX_FUNCTIONS: integer(100, 1, 100_000),
  FNGRAPH_METRICS_MAX_VERSIONS: integer(3, 1, 1000),
  FNGRAPH_METRICS_MAX_OPERATIONS: integer(100, 1, 100_000),
  FNGRAPH_OTLP_ENDPOINT: optionalUrl(['http://', 'https://']),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl(['http://', 'https://']),
  OTEL_SERVICE_NAME: z.string().trim().min(1).default('fngraph'),
  FNGRAPH_TRACE_SAMPLE_RATIO: ratio(1),
  FNGRAPH_PLATFORM_ERRORS_KEPT: integer(100, 1, 10_000),
});

export type RawConfig = z.infer<typeof configSchema>;
