import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@/common/errors/domain-error.js';
import { AppConfig } from '@/config/app-config.js';
import { EventBus } from '@/infrastructure/events/event-bus.js';
import { EventQueue } from '@/infrastructure/events/event-queue.js';
import { functionLogsChannel, invocationLogsChannel, type LogEvent, type LogLineEvent } from './invocation-events.js';
import { FINAL_STATUSES, type LogLineRecord, type LogStream } from './invocation.record.js';
import { InvocationRepository } from './invocation.repository.js';
import { LiveLog } from './live-log.js';

export interface LogSnapshot {
  lines: LogLineRecord[];
  /** No line will follow the ones in `lines`. */
  finished: boolean;
}

/** Lines a slow subscriber may fall behind by before it is resynchronised from storage. */
const SUBSCRIBER_BUFFER = 1000;

/**
 * Collects the output of running invocations, publishes each line as it is produced and
 * serves log subscriptions without gaps or duplicates: stored lines first, then live ones.
 */
@Injectable()
export class InvocationLogsService {
  private readonly live = new Map<string, LiveLog>();

  constructor(
    private readonly events: EventBus,
    private readonly invocations: InvocationRepository,
    private readonly config: AppConfig,
  ) {}

  open(invocationId: string, functionId: string): LiveLog {
    const log = new LiveLog(invocationId, functionId, this.config.limits.maxLogLines, this.config.limits.maxLogLineBytes);
    this.live.set(invocationId, log);
    return log;
  }

  /** Records and publishes a line; returns false once the log is full (or finished). */
  append(log: LiveLog, stream: LogStream, message: string): boolean {
    const line = log.append(stream, message);
    if (!line) return false;
    const event: LogLineEvent = {
      kind: 'line',
      invocationId: log.invocationId,
      seq: line.seq,
      timestamp: line.timestamp.getTime(),
      stream: line.stream,
      message: line.message,
    };
    this.events.publish(invocationLogsChannel(log.invocationId), event);
    this.events.publish(functionLogsChannel(log.functionId), event);
    return true;
  }

  /** Call once the lines are stored with the invocation record: ends the live stream. */
  close(log: LiveLog): void {
    log.finished = true;
    this.live.delete(log.invocationId);
    this.events.publish(invocationLogsChannel(log.invocationId), { kind: 'end', invocationId: log.invocationId } satisfies LogEvent);
  }

  /** Lines produced so far: from memory while running here, else from the stored record. */
  async snapshot(invocationId: string): Promise<LogSnapshot | null> {
    const log = this.live.get(invocationId);
    if (log) return { lines: [...log.lines], finished: log.finished };
    const record = await this.invocations.findById(invocationId);
    if (!record) return null;
    return { lines: record.logs, finished: FINAL_STATUSES.has(record.status) };
  }

  /**
   * The invocation's lines with `seq > fromSeq`, in order, then live ones until it ends.
   * Subscribing before reading the snapshot means no line can fall between the two.
   */
  async *stream(invocationId: string, fromSeq = 0): AsyncGenerator<LogLineRecord> {
    const queue = new EventQueue<LogEvent>(SUBSCRIBER_BUFFER);
    const unsubscribe = await this.events.subscribe(invocationLogsChannel(invocationId), (event) => queue.push(event as LogEvent));
    try {
      const snapshot = await this.snapshot(invocationId);
      if (!snapshot) throw new NotFoundError('Invocation', invocationId);
      let last = fromSeq;
      for (const line of snapshot.lines) {
        if (line.seq > last) {
          yield line;
          last = line.seq;
        }
      }
      if (snapshot.finished) return;
      for await (const event of queue) {
        const behind = queue.takeDropped() > 0;
        if (event.kind === 'end' || behind || event.seq > last + 1) {
          // Catch up from the snapshot: after `end` it is final, otherwise it covers the gap.
          const current = await this.snapshot(invocationId);
          for (const line of current?.lines ?? []) {
            if (line.seq > last) {
              yield line;
              last = line.seq;
            }
          }
          if (event.kind === 'end' || current?.finished) return;
        }
        if (event.kind === 'line' && event.seq === last + 1) {
          yield { seq: event.seq, timestamp: new Date(event.timestamp), stream: event.stream, message: event.message };
          last = event.seq;
        }
      }
    } finally {
      await queue.close();
      await unsubscribe();
    }
  }
}
