import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@/kernel/errors/domain-error.js';
import { AppConfig } from '@/kernel/config/app-config.js';
import { EventBus } from '@/kernel/events/event-bus.js';
import { interruptible } from '@/kernel/streams/async-streams.js';
import { EventQueue } from '@/kernel/events/event-queue.js';
import { functionLogsChannel, invocationLogsChannel, type LogEvent, type LogLineEvent } from './invocation.channels.js';
import type { LogStream } from '@/modules/executor/execution.types.js';
import { FINAL_STATUSES, type LogLineRecord } from './invocation.record.js';
import { InvocationRecorder } from './invocation-recorder.js';
import { LiveLog } from './live-log.js';
import { RunningLogBuffer } from './running-log-buffer.js';

export interface LogSnapshot {
  lines: LogLineRecord[];
  /** No line will follow the ones in `lines`. */
  finished: boolean;
}

/** A line as a subscriber receives it. */
export interface StreamedLogLine extends LogLineRecord {
  invocationId: string;
  /** Lines this subscriber missed just before this one (it fell too far behind); usually 0. */
  droppedBefore: number;
}

/** Lines a slow subscriber may fall behind by before it is resynchronised (or told what it missed). */
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
    private readonly buffer: RunningLogBuffer,
    private readonly recorder: InvocationRecorder,
    private readonly config: AppConfig,
  ) {}

  open(invocationId: string, functionId: string, earlier: readonly LogLineRecord[] = []): LiveLog {
    const log = new LiveLog(invocationId, functionId, this.config.limits.maxLogLines, this.config.limits.maxLogLineBytes, earlier);
    this.live.set(invocationId, log);
    return log;
  }

  /** Records and publishes a line; returns false once the log is full (or finished). */
  append(log: LiveLog, stream: LogStream, message: string): boolean {
    const line = log.append(stream, message);
    if (!line) return false;
    this.buffer.append(log.invocationId, line);
    const event: LogLineEvent = {
      kind: 'line',
      invocationId: log.invocationId,
      seq: line.seq,
      timestamp: line.timestamp.getTime(),
      stream: line.stream,
      message: line.message,
    };
    void this.events.publish(invocationLogsChannel(log.invocationId), event);
    void this.events.publish(functionLogsChannel(log.functionId), event);
    return true;
  }

  /** Call once the lines are stored with the invocation record: ends the live stream. */
  close(log: LiveLog): void {
    log.finished = true;
    this.live.delete(log.invocationId);
    this.buffer.finish(log.invocationId);
    void this.events.publish(invocationLogsChannel(log.invocationId), { kind: 'end', invocationId: log.invocationId });
  }

  /** Ends the live stream of an invocation another node was running (it died; its record was ended for it). */
  endRemotely(invocationId: string): void {
    void this.events.publish(invocationLogsChannel(invocationId), { kind: 'end', invocationId });
  }

  /** The run ended but the invocation goes on (a retry, maybe elsewhere): the live stream stays open, the lines are on the record. */
  suspend(log: LiveLog): void {
    this.live.delete(log.invocationId);
    this.buffer.finish(log.invocationId);
  }

  /**
   * Lines produced so far: from memory when running on this node, from the stored record
   * once finished, else from the buffer shared by all nodes.
   */
  async snapshot(invocationId: string): Promise<LogSnapshot | null> {
    const log = this.live.get(invocationId);
    if (log) return { lines: [...log.lines], finished: log.finished };
    const record = await this.recorder.find(invocationId);
    if (!record) return null;
    if (FINAL_STATUSES.has(record.status)) return { lines: record.logs, finished: true };
    // Lines of earlier runs (a retried invocation) are on the record, the current run's in the buffer.
    const buffered = (await this.buffer.read(invocationId)) ?? [];
    const lastStored = record.logs.at(-1)?.seq ?? 0;
    return { lines: [...record.logs, ...buffered.filter((line) => line.seq > lastStored)], finished: false };
  }

  /**
   * The invocation's lines with `seq > fromSeq`, in order, then live ones until it ends.
   * Subscribing before reading the snapshot means no line can fall between the two; a
   * gap in the live lines (a slow subscriber) is filled from a fresh snapshot.
   */
  stream(invocationId: string, fromSeq = 0): AsyncGenerator<StreamedLogLine> {
    const queue = new EventQueue<LogEvent>(SUBSCRIBER_BUFFER);
    return interruptible(queue, this.streamFrom(queue, invocationId, fromSeq));
  }

  private async *streamFrom(queue: EventQueue<LogEvent>, invocationId: string, fromSeq: number): AsyncGenerator<StreamedLogLine> {
    const unsubscribe = await this.events.subscribe(invocationLogsChannel(invocationId), (event) => queue.push(event));
    try {
      const snapshot = await this.snapshot(invocationId);
      if (!snapshot) throw new NotFoundError('Invocation', invocationId);
      let last = fromSeq;
      for (const line of snapshot.lines) {
        if (line.seq <= last) continue;
        yield { ...line, invocationId, droppedBefore: 0 };
        last = line.seq;
      }
      if (snapshot.finished) return;
      for await (const event of queue) {
        const fellBehind = queue.takeDropped() > 0;
        if (event.kind === 'end' || fellBehind || event.seq > last + 1) {
          const current = await this.snapshot(invocationId);
          for (const line of current?.lines ?? []) {
            if (line.seq <= last) continue;
            yield { ...line, invocationId, droppedBefore: 0 };
            last = line.seq;
          }
          if (event.kind === 'end' || current?.finished) return;
        }
        if (event.seq <= last) continue;
        yield { ...fromEvent(event), invocationId, droppedBefore: event.seq - last - 1 };
        last = event.seq;
      }
    } finally {
      await queue.close();
      await unsubscribe();
    }
  }

  /** Live lines of every invocation of a function, from now on (no replay). */
  functionStream(functionId: string): AsyncGenerator<StreamedLogLine> {
    const queue = new EventQueue<LogLineEvent>(SUBSCRIBER_BUFFER);
    return interruptible(queue, this.functionStreamFrom(queue, functionId));
  }

  private async *functionStreamFrom(queue: EventQueue<LogLineEvent>, functionId: string): AsyncGenerator<StreamedLogLine> {
    const unsubscribe = await this.events.subscribe(functionLogsChannel(functionId), (event) => queue.push(event));
    try {
      for await (const event of queue) {
        yield { ...fromEvent(event), invocationId: event.invocationId, droppedBefore: queue.takeDropped() };
      }
    } finally {
      await queue.close();
      await unsubscribe();
    }
  }
}

function fromEvent(event: LogLineEvent): LogLineRecord {
  return { seq: event.seq, timestamp: new Date(event.timestamp), stream: event.stream, message: event.message };
}
