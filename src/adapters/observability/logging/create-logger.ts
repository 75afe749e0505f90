import { pino, type DestinationStream, type Logger } from 'pino';
import type { ObservabilityConfig } from '@/kernel/config/app-config.js';
import { activeSpanIds } from '@/kernel/telemetry/spans.js';
import { currentRequestContext } from '@/kernel/telemetry/request-context.js';

/**
 * Structured fields that may hold secrets or function code, wherever a log call puts
 * them. Nothing logs them today (request bodies, GraphQL variables, environments and
 * code are never handed to the logger); this is the second line of defence.
 */
export const REDACTED_PATHS = [
  'authorization',
  'cookie',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  'headers["proxy-authorization"]',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-api-key"]',
  '*.headers["proxy-authorization"]',
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'masterKey',
  '*.masterKey',
  'variables',
  '*.variables',
  'environmentVariables',
  '*.environmentVariables',
  '*.*.environmentVariables',
  // GraphQL inputs and variables: registration documents carry code and environments.
  'input',
  '*.input',
  'environment',
  '*.environment',
  'env',
  '*.env',
  'artifact',
  '*.artifact',
  'source',
  '*.source',
];

export interface LoggerOptions {
  /** Where JSON lines go (tests capture them); stdout otherwise. */
  stream?: DestinationStream;
}

/**
 * The process's root logger: JSON lines (one object per line) with ISO time, level name,
 * this node's id, and whatever the current request and span say (request id, trace and
 * span ids, principal, GraphQL operation, function, invocation).
 */
export async function createLogger(config: ObservabilityConfig, options: LoggerOptions = {}): Promise<Logger> {
  const stream = options.stream ?? (config.logPretty ? await prettyStream() : undefined) ?? pino.destination({ dest: 1, sync: false });
  return pino(
    {
      level: config.logLevel,
      base: { service: config.serviceName, node: config.nodeId },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
      mixin: contextFields,
    },
    stream,
  );
}

function contextFields(): Record<string, unknown> {
  const request = currentRequestContext();
  const span = activeSpanIds();
  const fields: Record<string, unknown> = {};
  if (request) {
    fields.requestId = request.requestId;
    const principal = request.principal();
    if (principal) fields.principal = principal;
    if (request.operation) fields.operation = request.operation;
    if (request.function) fields.function = request.function;
    if (request.invocationId) fields.invocationId = request.invocationId;
  }
  const traceId = span?.traceId ?? request?.traceId;
  if (traceId) fields.traceId = traceId;
  if (span) fields.spanId = span.spanId;
  return fields;
}

/** Human-readable lines for development; `pino-pretty` is a development dependency. */
async function prettyStream(): Promise<DestinationStream | undefined> {
  try {
    const { default: pretty } = await import('pino-pretty');
    return pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'service,node' });
  } catch {
    process.stderr.write('FNGRAPH_LOG_PRETTY is set but pino-pretty is not installed: logging JSON\n');
    return undefined;
  }
}
