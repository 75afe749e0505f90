import { FngraphError } from '@fngraph/sdk';

/** The process exit codes of every command (documented in the README's CLI section). */
export const ExitCode = {
  OK: 0,
  /** A build, an invocation or a deploy that the server ran and that failed. */
  FAILED: 1,
  /** Bad arguments, a missing or invalid manifest, a missing file. */
  USAGE: 2,
  /** No credentials, a bad or revoked key, or a role that may not do this. */
  AUTH: 3,
  /** The server cannot be reached (refused, unresolvable, not a fngraph server). */
  UNREACHABLE: 4,
  /** The server refused the request (not found, conflict, invalid input, throttled). */
  REFUSED: 5,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An expected failure: printed as a message (never a stack trace), then the process exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    /** A machine-readable code (the server's error code, or one of the CLI's). */
    readonly code: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function usageError(message: string, details?: unknown): CliError {
  return new CliError(message, ExitCode.USAGE, 'USAGE', details);
}

const AUTH_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);
const UNREACHABLE_CODES = new Set(['NETWORK_ERROR', 'HTTP_ERROR', 'SERVICE_UNAVAILABLE']);

/** GraphQL echoes an invalid variable whole: the base64 code in it is left out of messages. */
function withoutCode(message: string): string {
  return message.replace(/"[A-Za-z0-9+/=]{80,}"/g, '"…"');
}

/** A failure of the SDK as the CLI reports it, with the exit code its kind calls for. */
export function cliErrorFrom(error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof FngraphError) {
    const code = error.code ?? 'ERROR';
    if (AUTH_CODES.has(code)) {
      const hint = code === 'UNAUTHENTICATED' ? ' (run `fngraph login`, or set FNGRAPH_API_KEY)' : '';
      return new CliError(`${error.message}${hint}`, ExitCode.AUTH, code);
    }
    if (UNREACHABLE_CODES.has(code)) return new CliError(error.message, ExitCode.UNREACHABLE, code);
    const details = error.errors.length ? error.errors.map((detail) => ({ ...detail.extensions, message: withoutCode(detail.message) })) : undefined;
    return new CliError(withoutCode(error.message), ExitCode.REFUSED, code, details);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new CliError(message, ExitCode.FAILED, 'ERROR');
}

/** A failure whose result the command has printed already: only the exit code is left to set. */
export class ReportedFailure extends Error {
  constructor(readonly exitCode: ExitCodeValue) {
    super(`exit ${exitCode}`);
    this.name = 'ReportedFailure';
  }
}
