import { Injectable } from '@nestjs/common';
import type { LogLineRecord } from '@/modules/invocations/invocation.record.js';
import { RunningLogBuffer } from '@/modules/invocations/running-log-buffer.js';

/**
 * Single node: the executing node already holds the lines of its running invocations
 * (see `InvocationLogsService`), and there is no other node to share them with.
 */
@Injectable()
export class LocalRunningLogBuffer extends RunningLogBuffer {
  append(): void {}

  async read(): Promise<LogLineRecord[] | null> {
    return null;
  }

  finish(): void {}

  restoreFrom(): void {}
}
