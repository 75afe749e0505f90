import { Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RedisConnections } from '@/adapters/redis/redis-connections.js';
import type { LogStream } from '@/modules/executor/execution.types.js';
import type { LogLineRecord } from '@/modules/invocations/invocation.record.js';
import { RunningLogBuffer, type RunningLogLines } from '@/modules/invocations/running-log-buffer.js';

/** Longer than any invocation may run, so a running invocation's list never expires. */
const RUNNING_TTL_SECONDS = 2 * 60 * 60;
/** Once the lines are on the stored record, late readers get a short grace period. */
const FINISHED_TTL_SECONDS = 5 * 60;
/** After appends timed out on a connection that stayed up, the lists are rewritten this much later. */
const RETRY_AFTER_TIMEOUT_MS = 1000;
/** Invocations that ended during an outage, whose lists still need their short expiry. */
const MAX_UNEXPIRED = 10_000;

interface StoredLine {
  s: number;
  t: number;
  o: LogStream;
  m: string;
}

/**
 * A Redis list per running invocation (`fngraph:invocation:<id>:logs`), written over the
 * fail-fast connection (also the one events are published on: a line is in the list
 * before its publication arrives anywhere). Appends that fail during an outage are not
 * retried one by one: once Redis is back, the lists of every invocation still running
 * here are rewritten whole from this node's memory.
 */
@Injectable()
export class RedisRunningLogBuffer extends RunningLogBuffer {
  private readonly logger = new Logger(RedisRunningLogBuffer.name);
  private running: () => Iterable<RunningLogLines> = () => [];
  private lost = false;
  private readonly unexpired = new Set<string>();
  private listening = false;

  constructor(private readonly connections: RedisConnections) {
    super();
  }

  private get client(): Redis {
    const client = this.connections.failFast;
    if (!this.listening) {
      this.listening = true;
      client.on('ready', () => this.restore());
    }
    return client;
  }

  append(invocationId: string, line: LogLineRecord): void {
    const key = keyOf(invocationId);
    const client = this.client;
    // Auto-pipelining keeps these in call order on the one connection, ahead of the
    // publication of the same line, so a reader who saw the line live finds it here too.
    client.rpush(key, encode(line)).catch((error: Error) => this.lose(error));
    if (line.seq === 1) client.expire(key, RUNNING_TTL_SECONDS).catch(() => undefined);
  }

  async read(invocationId: string): Promise<LogLineRecord[] | null> {
    const raw = await this.client.lrange(keyOf(invocationId), 0, -1);
    if (raw.length === 0) return null;
    // A rewrite can cross an append sent just before it: in order, each line once.
    const bySeq = new Map<number, LogLineRecord>();
    for (const item of raw) {
      const stored = JSON.parse(item) as StoredLine;
      bySeq.set(stored.s, { seq: stored.s, timestamp: new Date(stored.t), stream: stored.o, message: stored.m });
    }
    return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  finish(invocationId: string): void {
    this.client.expire(keyOf(invocationId), FINISHED_TTL_SECONDS).catch(() => {
      if (this.unexpired.size < MAX_UNEXPIRED) this.unexpired.add(invocationId);
    });
  }

  restoreFrom(running: () => Iterable<RunningLogLines>): void {
    this.running = running;
  }

  private lose(error: Error): void {
    if (this.lost) return;
    this.lost = true;
    this.logger.warn(`Live log buffer appends failing (${error.message}): rewritten when Redis is back`);
    // A command that timed out on a live connection: no reconnection will announce the end of it.
    setTimeout(() => {
      if (this.lost && this.connections.failFast.status === 'ready') this.restore();
    }, RETRY_AFTER_TIMEOUT_MS).unref();
  }

  /** Every list of an invocation still running here, rewritten whole: one transaction each, so a reader sees it before or after. */
  private restore(): void {
    const client = this.connections.failFast;
    for (const invocationId of this.unexpired) client.expire(keyOf(invocationId), FINISHED_TTL_SECONDS).catch(() => undefined);
    this.unexpired.clear();
    if (!this.lost) return;
    this.lost = false;
    let rewritten = 0;
    for (const { invocationId, lines } of this.running()) {
      if (lines.length === 0) continue;
      const key = keyOf(invocationId);
      client
        .multi()
        .del(key)
        .rpush(key, ...lines.map(encode))
        .expire(key, RUNNING_TTL_SECONDS)
        .exec()
        .catch((error: Error) => this.lose(error));
      rewritten++;
    }
    this.logger.log(`Live log buffers rewritten after a Redis outage: ${rewritten} running invocation(s)`);
  }
}

function encode(line: LogLineRecord): string {
  const stored: StoredLine = { s: line.seq, t: line.timestamp.getTime(), o: line.stream, m: line.message };
  return JSON.stringify(stored);
}

function keyOf(invocationId: string): string {
  return `fngraph:invocation:${invocationId}:logs`;
}
