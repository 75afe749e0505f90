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
import { LineSequencer } from './line-sequencer.js';
import { resumeSignals } from './resume-signals.js';
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
/** A gap in a subscriber's lines is re-read after this, then twice as long each time up to the maximum… */
const GAP_RETRY_MIN_MS = 100;
const GAP_RETRY_MAX_MS = 2000;
/** …and given up on after this: the lines are gone (the node that ran the invocation is). */
const GAP_PATIENCE_MS = 30_000;

/** Read the lines again from where they are kept (after an interruption, or to fill a gap). */
interface Resync {
  kind: 'resync';
}
const RESYNC: Resync = { kind: 'resync' };

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
  ) {
    this.buffer.restoreFrom(() => this.live.values());
  }

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
    void this.events.publish(invocationLogsChannel(log.invocationId), { kind: 'end', invocationId: log.invocationId, lastSeq: log.lines.length });
  }

  /** Ends the live stream of an invocation another node was running (it died; its record was ended for it). */
  endRemotely(invocationId: string, lastSeq: number): void {
    void this.events.publish(invocationLogsChannel(invocationId), { kind: 'end', invocationId, lastSeq });
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
   * The invocation's lines with `seq > fromSeq`, in order, each once, then live ones until
   * it ends. Subscribing before reading the snapshot means no line can fall between the
   * two. Whatever the live events miss (a slow subscriber, a Redis outage on either node)
   * is read again from where the lines are kept (this node's memory, the buffer shared by
   * all nodes, the stored record); lines behind a gap wait for it to be filled, and only
   * after `GAP_PATIENCE_MS` go out with `droppedBefore` saying how many were lost.
   */
  stream(invocationId: string, fromSeq = 0): AsyncGenerator<StreamedLogLine> {
    const queue = new EventQueue<LogEvent | Resync>(SUBSCRIBER_BUFFER);
    return interruptible(queue, this.streamFrom(queue, invocationId, fromSeq));
  }

  private async *streamFrom(queue: EventQueue<LogEvent | Resync>, invocationId: string, fromSeq: number): AsyncGenerator<StreamedLogLine> {
    const unsubscribe = await this.events.subscribe(invocationLogsChannel(invocationId), (event) => queue.push(event), {
      onResumed: resumeSignals(() => queue.push(RESYNC)),
    });
    const lines = new LineSequencer(fromSeq);
    const out = (ready: LogLineRecord[]): StreamedLogLine[] => ready.map((line) => ({ ...line, invocationId, droppedBefore: 0 }));
    let retry: NodeJS.Timeout | null = null;
    try {
      const first = await this.snapshot(invocationId);
      if (!first) throw new NotFoundError('Invocation', invocationId);
      for (const line of first.lines) lines.offer(line);
      yield* out(lines.take());
      if (first.finished) return;
      /** The seq of the last line, once the end is announced. */
      let endSeq: number | null = null;
      let gapSince: number | null = null;
      let retryDelay = GAP_RETRY_MIN_MS;
      for await (const event of queue) {
        let reread = queue.takeDropped() > 0 || event.kind === 'resync';
        if (event.kind === 'line') {
          lines.offer(fromEvent(event));
          yield* out(lines.take());
        } else if (event.kind === 'end') {
          // A node of an older version announces no count: then what it stored is all there is.
          if (typeof event.lastSeq !== 'number') reread = true;
          endSeq = typeof event.lastSeq === 'number' ? event.lastSeq : Number.POSITIVE_INFINITY;
        }
        const missing = () => lines.hasGap || (endSeq !== null && lines.last < endSeq);
        let readable = false;
        if (reread || missing()) {
          const current = await this.snapshot(invocationId).catch(() => null);
          readable = current !== null;
          for (const line of current?.lines ?? []) lines.offer(line);
          yield* out(lines.take());
          // The stored record holds every line: nothing can be missing from it.
          if (current?.finished || (current && endSeq === Number.POSITIVE_INFINITY)) return;
        }
        if (endSeq !== null && lines.last >= endSeq) return;
        if (!missing()) {
          gapSince = null;
          retryDelay = GAP_RETRY_MIN_MS;
          continue;
        }
        // Patience counts only while the lines are readable and still missing, not while Redis is down.
        if (readable) gapSince ??= Date.now();
        if (gapSince !== null && Date.now() - gapSince >= GAP_PATIENCE_MS) {
          // Lost for good (the producing node is gone): say so, go on.
          for (const { line, droppedBefore } of lines.skipGaps()) yield { ...line, invocationId, droppedBefore };
          gapSince = null;
          if (endSeq !== null) return;
          continue;
        }
        if (!retry) {
          retry = setTimeout(() => {
            retry = null;
            queue.push(RESYNC);
          }, retryDelay);
          retryDelay = Math.min(GAP_RETRY_MAX_MS, retryDelay * 2);
        }
      }
    } finally {
      if (retry) clearTimeout(retry);
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
