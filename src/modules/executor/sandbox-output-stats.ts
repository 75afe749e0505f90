import { Injectable } from '@nestjs/common';

/** What this node's sandboxes wrote, and what became of it: counters since start-up, for metrics. */
@Injectable()
export class SandboxOutputStats {
  /** Output bytes read from sandboxes (log frames and raw output). */
  bytes = 0;
  /** Sandboxes killed for writing beyond their output budget. */
  floods = 0;
  /** Log lines not of the invocation in flight (printed late, after theirs returned, or between invocations): dropped, never given to another. */
  lateLines = 0;
  /** Raw output bytes that arrived while no invocation was in flight: dropped. */
  unattributedBytes = 0;
}
