import { formatStatus } from './format';

const TONES: Record<string, string> = {
  READY: 'ok',
  SUCCEEDED: 'ok',
  FAILED: 'bad',
  TIMED_OUT: 'bad',
  DEAD_LETTERED: 'bad',
  OOM_KILLED: 'bad',
  REJECTED: 'bad',
  QUEUED: 'pending',
  RUNNING: 'pending',
  BUILDING: 'pending',
};

/** A build or invocation status, coloured by outcome (the text says it too: colour is never the only cue). */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${TONES[status] ?? 'neutral'}`}>{formatStatus(status)}</span>;
}
