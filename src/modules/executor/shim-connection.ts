import type { AppConfig } from '@/kernel/config/app-config.js';
import type { ExecutionTarget, InvocationContext, InvocationErrorRecord, InvocationEvent, LogStream } from './execution.types.js';
import { onLines } from './line-splitter.js';
import type { SandboxExit, SandboxHandle } from './sandbox-driver.js';

export interface ShimResult {
  ok: boolean;
  value?: unknown;
  error?: InvocationErrorRecord;
  metrics?: { cpuTimeMs?: number; maxRssBytes?: number };
}

/** The largest frame a sandbox may send: a result at the response cap, plus room for the rest of the frame. */
export function shimFrameLimit(config: AppConfig): number {
  return config.limits.maxResponseBytes + 64 * 1024;
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
  metrics?: ShimResult['metrics'];
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
/** Longest line kept from a sandbox's raw stderr (longer ones are truncated). */
const MAX_STDERR_LINE = 64 * 1024;
/** A log frame, recognised without parsing it (JSON from Node, or Python's spacing). */
const LOG_FRAME = /^\{"type":\s?"log"/;

/** Receives the invocation's output; returns false once it wants no more lines. */
export type LogSink = (stream: LogStream, message: string) => boolean;

/**
 * Speaks the shim protocol (see `modules/runtimes/shims/node/shim.cjs`) with one sandbox:
 * newline-delimited JSON frames, one request in flight at a time.
 */
export class ShimConnection {
  private waiter: Waiter | null = null;
  private onLog: LogSink | null = null;
  /** The invocation's log is full: its lines are dropped as cheaply as possible. */
  private muted = false;
  private readonly stderrTail: string[] = [];
  private reportedOutOfMemory = false;
  private exit: SandboxExit | null = null;
  private stdoutEnded = false;
  /** Whether the shim took the invocation in progress (its `accepted` frame): from then on the function may be running. */
  private accepted = false;
  /** Set when the sandbox sent a frame larger than allowed (it is then killed). */
  oversizedFrame = false;

  private constructor(
    readonly handle: SandboxHandle,
    maxFrameBytes: number,
  ) {
    onLines(handle.stdout, (line) => this.onStdoutLine(line), {
      maxLineLength: maxFrameBytes,
      onOversized: () => {
        this.oversizedFrame = true;
        handle.kill();
      },
    });
    // After onLines' own listener: every line is delivered by the time this runs.
    handle.stdout.once('end', () => (this.stdoutEnded = true));
    onLines(handle.stderr, (line) => this.onStderrLine(line), { maxLineLength: MAX_STDERR_LINE, oversized: 'truncate' });
    handle.exited.then((exit) => this.onExit(exit));
    // A sandbox that dies while we write to it must not crash the platform.
    handle.stdin.on('error', () => undefined);
  }

  /** Waits for the shim's `ready` frame. */
  static async open(handle: SandboxHandle, maxFrameBytes: number): Promise<ShimConnection> {
    const connection = new ShimConnection(handle, maxFrameBytes);
    await connection.expect(['ready']);
    return connection;
  }

  /** Whether the sandbox still runs, asked of the driver too: the exit event can lag a kill by a moment. */
  get alive(): boolean {
    return this.exit === null && this.handle.running;
  }

  async load(target: ExecutionTarget, filename: string, modulePaths: string[]): Promise<void> {
    const reply = this.expect(['loaded', 'load_failed']);
    this.write({ type: 'load', artifact: target.artifact, filename, env: target.environment, modulePaths });
    const frame = await reply;
    if (frame.type === 'load_failed') {
      throw new FunctionLoadError(frame.error ?? { type: 'Error', message: 'The function failed to load' });
    }
  }

  async invoke(id: string, event: InvocationEvent, context: InvocationContext, onLog: LogSink): Promise<ShimResult> {
    if (this.exit) throw new InvocationNotDeliveredError(this.exit, this.stderrTail, this.reportedOutOfMemory);
    this.onLog = onLog;
    this.muted = false;
    this.accepted = false;
    try {
      const reply = this.expect(['result']);
      this.write({ type: 'invoke', id, event, context });
      const frame = await reply;
      return { ok: frame.ok === true, value: frame.value, error: frame.error, metrics: frame.metrics };
    } finally {
      this.onLog = null;
    }
  }

  private expect(types: string[]): Promise<ShimFrame> {
    if (this.exit) return Promise.reject(new SandboxExitedError(this.exit, this.stderrTail, this.reportedOutOfMemory));
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

  private onStdoutLine(line: string): void {
    // A flood past the log cap costs us a prefix test per line, not a parse.
    if (this.muted && LOG_FRAME.test(line)) return;
    let frame: ShimFrame;
    try {
      frame = JSON.parse(line) as ShimFrame;
    } catch {
      // Bytes written straight to the protocol descriptor by user code: keep them as output.
      this.log('stdout', line);
      return;
    }
    if (frame.type === 'log') {
      this.log(frame.stream ?? 'stdout', frame.message ?? '');
      return;
    }
    if (frame.type === 'accepted') {
      this.accepted = true;
      return;
    }
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.resolve(frame);
  }

  private onStderrLine(line: string): void {
    this.stderrTail.push(line);
    if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
    if (!this.reportedOutOfMemory && HEAP_OOM.test(line)) this.reportedOutOfMemory = true;
    this.log('stderr', line);
  }

  private log(stream: LogStream, message: string): void {
    if (this.muted || !this.onLog) return;
    if (!this.onLog(stream, message)) this.muted = true;
  }

  private onExit(exit: SandboxExit): void {
    this.exit = exit;
    const waiter = this.waiter;
    if (!waiter) return;
    // Let the last output arrive (an `accepted` frame, why it died on stderr) before the verdict.
    const report = () => {
      if (this.waiter !== waiter) return; // Answered after all (its last frame was still in the pipe).
      this.waiter = null;
      const undelivered = this.onLog !== null && !this.accepted && this.stdoutEnded;
      const Failure = undelivered ? InvocationNotDeliveredError : SandboxExitedError;
      waiter.reject(new Failure(exit, this.stderrTail, this.reportedOutOfMemory));
    };
    // Only an invocation needs to know whether it was accepted; other waits are not held up.
    if (this.stdoutEnded || this.onLog === null) setImmediate(report);
    else {
      const timer = setTimeout(report, OUTPUT_DRAIN_MS);
      this.handle.stdout.once('end', () => {
        clearTimeout(timer);
        setImmediate(report);
      });
    }
  }
}

const HEAP_OOM = /heap out of memory|Array buffer allocation failed|MemoryError|Cannot allocate memory/;

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
  return error.type === 'MemoryError' || (error.type === 'RangeError' && /Array buffer allocation failed/.test(error.message));
}

function describeExit(exit: SandboxExit, stderrTail: string[]): string {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const last = stderrTail
    .filter((l) => l.trim() !== '')
    .slice(-3)
    .join(' | ');
  return `The sandbox ${how}${last ? `: ${last}` : ''}`;
}
