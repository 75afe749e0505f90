import type { InvocationErrorRecord } from '@/modules/executor/execution.types.js';
import type { InvocationStatus } from './invocation.record.js';

/** The record's error, or a model of it (the GraphQL one has `stack: null` where the record has none). */
type ShownError = Pick<InvocationErrorRecord, 'type' | 'message'> & { stack?: string | null };

/**
 * Error types fngraph writes itself: they name why an invocation ended (a timeout, the
 * memory limit, a lost node), never what the function said. Kept for every caller.
 */
const PLATFORM_ERROR_TYPES = new Set([
  'Timeout',
  'OutOfMemory',
  'ResponseTooLarge',
  'SandboxCrashed',
  'SandboxError',
  'NODE_LOST',
  'WorkerLost',
  'Shutdown',
  'PlatformError',
  'Throttled',
  'QueueUnavailable',
  'FunctionUnavailable',
  'EventTooOld',
  'ContractViolation',
]);

const GENERIC_MESSAGE: Partial<Record<InvocationStatus, string>> = {
  TIMED_OUT: 'The function timed out',
  OOM_KILLED: 'The function ran out of memory',
  REJECTED: 'The invocation was refused',
};

/**
 * An invocation's error as a given reader may see it. Whoever may read the function's
 * code (README's role table: admins, its owner, developers it is shared with) gets it
 * whole: the exception's message and stack, a Python traceback with its source lines.
 * Anyone else — a caller of a public function, anonymous or not — gets a generic message
 * naming the invocation (to quote to the owner), and the type only when fngraph wrote it:
 * an exception's text and even its class name come from code they may not read, and
 * the messages fngraph writes may quote the function's output (a crash's last lines).
 */
export function errorSeenBy<E extends ShownError>(
  invocation: { id: string; status: string; error: E | null },
  mayReadCode: boolean,
): E | Pick<ShownError, 'type' | 'message'> | null {
  const { error } = invocation;
  if (error === null || mayReadCode) return error;
  return {
    type: PLATFORM_ERROR_TYPES.has(error.type) ? error.type : 'FunctionError',
    message: `${GENERIC_MESSAGE[invocation.status as InvocationStatus] ?? 'The function failed'} (invocation ${invocation.id})`,
  };
}
