import type { AppConfig } from '@/kernel/config/app-config.js';
import type { ExecutionTarget, InvocationContext, InvocationErrorRecord, LogStream, ResponseSink } from './execution.types.js';
import { onLines } from './line-splitter.js';
import { OutputBudget, type OutputLimits } from './output-budget.js';
import { OutputTail, readRawOutput } from './raw-output.js';
import type { SandboxExit, SandboxHandle } from './sandbox-driver.js';
import type { SandboxOutputStats } from './sandbox-output-stats.js';

export interface ShimResult {
  ok: boolean;
  value?: unknown;
  error?: InvocationErrorRecord;
  /** The answer went out as `response_start`/`response_chunk` frames (to the invocation's `ResponseSink`), not as the value. */
  streamed?: boolean;
  metrics?: { cpuTimeMs?: number; maxRssBytes?: number };
}

export interface ShimOptions {
  /** The largest frame the sandbox may send. */
  maxFrameBytes: number;
  /** The sandbox's output budget (see `OutputBudget`). */
  output: OutputLimits;
  /** Freeze the sandbox while it waits between invocations (`pause`). */
  freezeIdle: boolean;
  /** How long it waits for its next invocation before it is frozen (0: the next turn of the event loop). */
  freezeAfterMs: number;
  /** This node's counters, shared by every connection. */
  stats: SandboxOutputStats;
}

/** Connection options from the configuration. The largest frame: a result at the response cap, plus room for the rest of the frame. */
export function shimOptions(config: AppConfig, stats: SandboxOutputStats): ShimOptions {
  return {
    maxFrameBytes: config.limits.maxResponseBytes + 64 * 1024,
    output: config.sandbox.output,
    freezeIdle: config.sandbox.freezeIdle,
    freezeAfterMs: config.sandbox.freezeAfterMs,
    stats,
  };
}

/** The sandbox died (or was killed) before answering. */
export class SandboxExitedError extends Error {
  constructor(
    readonly exit: SandboxExit,
    readonly stderrTail: string[],
    /** The runtime said on stderr that it ran out of memory (possibly before a long stack trace). */
    readonly reportedOutOfMemory = false,
  ) {
    super(describeExit(exit, stderrTail));
  }
}

/**
 * The sandbox died before its shim took the invocation (no `accepted` frame, and its
 * output ended): the function did not start, so the invocation may run elsewhere.
 */
export class InvocationNotDeliveredError extends SandboxExitedError {}

/** The function's module threw or exported no handler while loading. */
export class FunctionLoadError extends Error {
  constructor(readonly error: InvocationErrorRecord) {
    super(error.message);
  }
}

interface ShimFrame {
  type: string;
  id?: string;
  stream?: LogStream;
  message?: string;
  ok?: boolean;
  value?: unknown;
  error?: InvocationErrorRecord;
  streamed?: boolean;
  metrics?: ShimResult['metrics'];
  statusCode?: number;
  headers?: Record<string, string | string[]>;
  data?: string;
}

interface Waiter {
  resolve: (frame: ShimFrame) => void;
  reject: (error: Error) => void;
}

const STDERR_TAIL_LINES = 20;
/**
 * After a sandbox exits, how long its last output may take to arrive before the failure is
 * reported. The end of its output is what proves an event undelivered (and so safe to send to
 * another sandbox): on a loaded machine it can come well after the exit, hence not shorter.
 */
const OUTPUT_DRAIN_MS = 2000;
/** Longest line kept from a sandbox's raw output (longer ones are truncated). */
const MAX_RAW_LINE = 64 * 1024;
/** A log frame, recognised without parsing it (JSON from Node, or Python's spacing). */
const LOG_FRAME = /^\{"type":\s?"log"/;

/** Receives the invocation's output; returns false once it wants no more lines. */
export type LogSink = (stream: LogStream, message: string) => boolean;

/**
 * Speaks the shim protocol (see `modules/runtimes/shims/node/shim.cjs`) with one sandbox:
 * newline-delimited JSON frames on the sandbox's protocol channel, one request in flight
 * at a time, and the sandbox's raw output beside it.
 *
 * Output belongs to the invocation in flight, or to none: a log frame tagged with another
 * invocation (printed late, after its invocation returned) and raw output arriving between
 * invocations are dropped and counted, never given to the next caller. Every byte is
 * spent from the sandbox's `OutputBudget`; a sandbox that overdraws it is killed
 * (`floodReason`).
 */
export class ShimConnection {
  private waiter: Waiter | null = null;
  private onLog: LogSink | null = null;
  /** Where the invocation in flight streams its response. */
  private onResponse: ResponseSink | null = null;
  /** The invocation in flight: from sending its event until its result arrives. */
  private current: string | null = null;
  /** The invocation's log is full: its lines are dropped as cheaply as possible. */
  private muted = false;
  private readonly stderrTail = new OutputTail();
  private readonly budget: OutputBudget;
  private exit: SandboxExit | null = null;
  private protocolEnded = false;
  private frozen = false;
  /** Calls off the freeze planned by `pause`. */
  private cancelFreeze: (() => void) | null = null;
  /** Whether the shim took the invocation in progress (its `accepted` frame): from then on the function may be running. */
  private accepted = false;
  /** Set when the sandbox sent a frame larger than allowed (it is then killed). */
  oversizedFrame = false;
  /** Why the sandbox was killed for its output, when it wrote beyond its budget. */
  floodReason: string | null = null;

  private constructor(
    readonly handle: SandboxHandle,
    private readonly options: ShimOptions,
  ) {
    this.budget = new OutputBudget(options.output);
    onLines(handle.protocol, (line) => this.onProtocolLine(line), {
      maxLineLength: options.maxFrameBytes,
      onOversized: () => {
        this.oversizedFrame = true;
        handle.kill();
      },
    });
    // After onLines' own listener: every line is delivered by the time this runs.
    handle.protocol.once('end', () => (this.protocolEnded = true));
    const raw = (stream: LogStream) => ({
      maxLineBytes: MAX_RAW_LINE,
      spend: (bytes: number) => this.spendRaw(bytes),
      wantsLines: () => this.current !== null && !this.muted && this.onLog !== null,
      onLine: (line: string) => this.log(stream, line),
    });
    if (handle.stdout) readRawOutput(handle.stdout, raw('stdout'));
    readRawOutput(handle.stderr, { ...raw('stderr'), tail: this.stderrTail });
    handle.exited.then((exit) => this.onExit(exit));
    // A sandbox that dies while we write to it must not crash the platform.
    handle.stdin.on('error', () => undefined);
  }

  /** Waits for the shim's `ready` frame. */
  static async open(handle: SandboxHandle, options: ShimOptions): Promise<ShimConnection> {
    const connection = new ShimConnection(handle, options);
    await connection.expect(['ready']);
    return connection;
  }

  /** Whether the sandbox still runs, asked of the driver too: the exit event can lag a kill by a moment. */
  get alive(): boolean {
    return this.exit === null && this.handle.running;
  }

  /**
   * The sandbox goes to wait in its pool: frozen, when configured and the driver can (no
   * CPU until `resume`), once it has waited `freezeAfterMs` for its next invocation. A
   * freeze and its thaw wake every thread of the sandbox twice (measured: ~0.25 ms of
   * server CPU for a Node.js sandbox), so back-to-back invocations, as a busy function gets,
   * do not pay it; as in Lambda, where an environment is frozen when no event is waiting for it.
   */
  pause(): void {
    if (!this.options.freezeIdle || !this.handle.freeze || this.exit || this.cancelFreeze) return;
    const freeze = () => {
      this.cancelFreeze = null;
      if (this.exit || this.current !== null) return;
      this.handle.freeze?.();
      this.frozen = true;
    };
    if (this.options.freezeAfterMs > 0) {
      const timer = setTimeout(freeze, this.options.freezeAfterMs);
      this.cancelFreeze = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(freeze);
      this.cancelFreeze = () => clearImmediate(immediate);
    }
  }

  /** The sandbox is handed out again: thawed (or its freeze called off). */
  resume(): void {
    this.cancelFreeze?.();
    this.cancelFreeze = null;
    if (!this.frozen) return;
    this.frozen = false;
    this.handle.thaw?.();
  }

  /** `functionDir`: where the version's folder is in the sandbox (archive versions), or null. */
  async load(target: ExecutionTarget, filename: string, functionDir: string | null, modulePaths: string[]): Promise<void> {
    const reply = this.expect(['loaded', 'load_failed']);
    const { artifact, entry, environment: env, eventFormat } = target;
    this.write({ type: 'load', artifact, filename, env, modulePaths, eventFormat, entry, functionDir });
    const frame = await reply;
    if (frame.type === 'load_failed') {
      throw new FunctionLoadError(frame.error ?? { type: 'Error', message: 'The function failed to load' });
    }
  }

  /** `event` is what the handler is given (see `formatEvent`); a streamed response goes to `onResponse` as it comes. */
  async invoke(id: string, event: unknown, context: InvocationContext, onLog: LogSink, onResponse: ResponseSink | null = null): Promise<ShimResult> {
    if (this.exit) throw new InvocationNotDeliveredError(this.exit, this.stderrLines(), this.reportedOutOfMemory());
    this.onLog = onLog;
    this.onResponse = onResponse;
    this.muted = false;
    this.accepted = false;
    this.budget.startInvocation();
    this.current = id;
    try {
      const reply = this.expect(['result']);
      this.write({ type: 'invoke', id, event, context });
      const frame = await reply;
      return { ok: frame.ok === true, value: frame.value, error: frame.error, streamed: frame.streamed === true, metrics: frame.metrics };
    } finally {
      this.onLog = null;
      this.onResponse = null;
      this.current = null;
    }
  }

  private expect(types: string[]): Promise<ShimFrame> {
    if (this.exit) return Promise.reject(new SandboxExitedError(this.exit, this.stderrLines(), this.reportedOutOfMemory()));
    return new Promise((resolve, reject) => {
      this.waiter = {
        resolve: (frame) => (types.includes(frame.type) ? resolve(frame) : reject(new Error(`Unexpected shim frame ${frame.type}`))),
        reject,
      };
    });
  }

  private write(frame: object): void {
    this.handle.stdin.write(`${JSON.stringify(frame)}\n`);
  }

  private onProtocolLine(line: string): void {
    if (this.floodReason) return;
    if (LOG_FRAME.test(line)) {
      if (!this.spend(line.length)) return;
      // A flood past the log cap, or between invocations, costs a prefix test per line, not a parse.
      if (this.current === null || this.muted) {
        if (this.current === null) this.options.stats.lateLines++;
        return;
      }
    }
    let frame: ShimFrame;
    try {
      frame = JSON.parse(line) as ShimFrame;
    } catch {
      // Only the shim writes here; user code that found the descriptor gets its bytes counted, not kept.
      this.spend(line.length);
      return;
    }
    if (frame.type === 'log') {
      if (frame.id !== this.current) this.options.stats.lateLines++;
      else this.log(frame.stream ?? 'stdout', frame.message ?? '');
      return;
    }
    if (frame.type === 'accepted') {
      this.accepted = true;
      return;
    }
    if (frame.type === 'response_start' || frame.type === 'response_chunk') {
      // Only the invocation in flight answers; anything else is dropped like a late line.
      if (frame.id !== this.current || !this.onResponse) return;
      if (frame.type === 'response_start') this.onResponse.start({ statusCode: frame.statusCode ?? 200, headers: frame.headers ?? {} });
      else this.onResponse.write(Buffer.from(frame.data ?? '', 'base64'));
      return;
    }
    // Output arriving after the result is no longer this invocation's.
    if (frame.type === 'result') this.current = null;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.resolve(frame);
  }

  /** Counts output against the budget; kills the sandbox when it floods. */
  private spend(bytes: number): boolean {
    this.options.stats.bytes += bytes;
    if (this.budget.spend(bytes, this.current !== null)) return true;
    this.flooded();
    return false;
  }

  private spendRaw(bytes: number): boolean {
    if (this.current === null) this.options.stats.unattributedBytes += bytes;
    return this.spend(bytes);
  }

  private flooded(): void {
    if (this.floodReason) return;
    this.floodReason = this.budget.overdrawn;
    this.options.stats.floods++;
    this.handle.kill();
  }

  private log(stream: LogStream, message: string): void {
    if (this.muted || !this.onLog) return;
    if (!this.onLog(stream, message)) this.muted = true;
  }

  private stderrLines(): string[] {
    return this.stderrTail.lines(STDERR_TAIL_LINES);
  }

  /** The runtime said on stderr that it ran out of memory (possibly before a long stack trace). */
  private reportedOutOfMemory(): boolean {
    return HEAP_OOM.test(this.stderrTail.text());
  }

  private onExit(exit: SandboxExit): void {
    this.exit = exit;
    const waiter = this.waiter;
    if (!waiter) return;
    // Let the last output arrive (an `accepted` frame, why it died on stderr) before the verdict.
    const report = () => {
      if (this.waiter !== waiter) return; // Answered after all (its last frame was still in the pipe).
      this.waiter = null;
      const undelivered = this.onLog !== null && !this.accepted && this.protocolEnded;
      const Failure = undelivered ? InvocationNotDeliveredError : SandboxExitedError;
      waiter.reject(new Failure(exit, this.stderrLines(), this.reportedOutOfMemory()));
    };
    // Only an invocation needs to know whether it was accepted; other waits are not held up.
    if (this.protocolEnded || this.onLog === null) setImmediate(report);
    else {
      const timer = setTimeout(report, OUTPUT_DRAIN_MS);
      this.handle.protocol.once('end', () => {
        clearTimeout(timer);
        setImmediate(report);
      });
    }
  }
}

// Node.js 24 says "Failed to allocate memory" where earlier versions said "Array buffer allocation failed".
const HEAP_OOM = /heap out of memory|Array buffer allocation failed|Failed to allocate memory|MemoryError|Cannot allocate memory/;

/** Whether an exit looks like the sandbox ran out of memory. */
export function isOutOfMemory(error: SandboxExitedError): boolean {
  return error.exit.oomKilled || error.reportedOutOfMemory;
}

/**
 * Whether an error the function threw means it ran out of memory: where limits are
 * rlimits, allocations fail inside the function instead of the sandbox being killed.
 */
export function isOutOfMemoryError(error: InvocationErrorRecord | undefined): boolean {
  if (!error) return false;
  return error.type === 'MemoryError' || (error.type === 'RangeError' && /Array buffer allocation failed|Failed to allocate memory/.test(error.message));
}

function describeExit(exit: SandboxExit, stderrTail: string[]): string {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const last = stderrTail
    .filter((l) => l.trim() !== '')
    .slice(-3)
    .join(' | ');
  return `The sandbox ${how}${last ? `: ${last}` : ''}`;
}
