import { Injectable, Logger } from '@nestjs/common';
import { RedisConnections } from '@/adapters/redis/redis-connections.js';
import type { LogStream } from '@/modules/executor/execution.types.js';
import type { LogLineRecord } from '@/modules/invocations/invocation.record.js';
import { RunningLogBuffer } from '@/modules/invocations/running-log-buffer.js';

/** Longer than any invocation may run, so a running invocation's list never expires. */
const RUNNING_TTL_SECONDS = 2 * 60 * 60;
/** Once the lines are on the stored record, late readers get a short grace period. */
const FINISHED_TTL_SECONDS = 5 * 60;

interface StoredLine {
  s: number;
  t: number;
  o: LogStream;
  m: string;
}

/** A Redis list per running invocation (`fngraph:invocation:<id>:logs`). */
@Injectable()
export class RedisRunningLogBuffer extends RunningLogBuffer {
  private readonly logger = new Logger(RedisRunningLogBuffer.name);

  constructor(private readonly connections: RedisConnections) {
    super();
  }

  append(invocationId: string, line: LogLineRecord): void {
    const key = keyOf(invocationId);
    const stored: StoredLine = { s: line.seq, t: line.timestamp.getTime(), o: line.stream, m: line.message };
    const client = this.connections.client;
    // Auto-pipelining keeps these in call order on the one connection, ahead of the
    // publication of the same line, so a reader who saw the line live finds it here too.
    client.rpush(key, JSON.stringify(stored)).catch((error: Error) => this.logger.warn(`Log buffer append failed: ${error.message}`));
    if (line.seq === 1) client.expire(key, RUNNING_TTL_SECONDS).catch(() => undefined);
  }

  async read(invocationId: string): Promise<LogLineRecord[] | null> {
    const raw = await this.connections.client.lrange(keyOf(invocationId), 0, -1);
    if (raw.length === 0) return null;
    return raw.map((item) => {
      const stored = JSON.parse(item) as StoredLine;
      return { seq: stored.s, timestamp: new Date(stored.t), stream: stored.o, message: stored.m };
    });
  }

  finish(invocationId: string): void {
    this.connections.client.expire(keyOf(invocationId), FINISHED_TTL_SECONDS).catch(() => undefined);
  }
}

function keyOf(invocationId: string): string {
  return `fngraph:invocation:${invocationId}:logs`;
}
