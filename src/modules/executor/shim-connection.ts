import type { AppConfig } from '@/kernel/config/app-config.js';
import type { ExecutionTarget, InvocationContext, InvocationErrorRecord, LogStream, ResponseSink } from './execution.types.js';
import { onLines } from './line-splitter.js';
import { type InvocationOutput, OutputBudget, type OutputLimits } from './output-budget.js';
import { OutputTail, readRawOutput } from './raw-output.js';
import type { SandboxExit, SandboxHandle } from './sandbox-driver.js';
import type { SandboxOutputStats } from './sandbox-output-stats.js';

export interface ShimResult {
  ok: boolean;
  value?: unknown;
  error?: InvocationErrorRecord;
  /** The answer went out as `response_start`/`response_chunk` frames (to the invocation's `ResponseSink`), not as the value. */
  streamed?: boolean;
  /** `cpuTimeMs` is absent (or null) when the invocation shared its sandbox with others: the process's CPU time is not its own. */
  metrics?: { cpuTimeMs?: number | null; maxRssBytes?: number };
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

/** One invocation sent to the sandbox and not yet answered. */
interface InFlight extends Waiter {
  readonly onLog: LogSink;
  /** Where it streams its response. */
  readonly onResponse: ResponseSink | null;
  /** Its log is full: its lines are dropped as cheaply as possible. */
  muted: boolean;
  /** The shim took it (its `accepted` frame): from then on the function may be running. */
  accepted: boolean;
  /** What it wrote, against the per-invocation output limit. */
  readonly output: InvocationOutput;
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
/**
 * A log frame and the invocation it names, recognised without parsing it (JSON from Node,
 * or Python's; both write `type` then `id`). No id matched: a line of no invocation.
 */
const LOG_FRAME = /^\{"type":\s?"log"(?:,\s?"id":\s?"([^"\\]*)")?/;

/** The invocation a frame names, from its start (Node and Python both write `type` then `id`). */
const FRAME_ID = /^\{"type":\s?"[a-z_]+",\s?"id":\s?"([^"\\]*)"/;

/** Receives the invocation's output; returns false once it wants no more lines. */
export type LogSink = (stream: LogStream, message: string) => boolean;

/**
 * Speaks the shim protocol (see `modules/runtimes/shims/node/shim.cjs`) with one sandbox:
 * newline-delimited JSON frames on the sandbox's protocol channel, and the sandbox's raw
 * output beside it. Several invocations may be in flight at once (a version's
 * `concurrency`), each answered, logged and streamed by its id.
 *
 * Output belongs to the invocation that printed it, or to none: a log frame tagged with an
 * invocation not in flight (printed late, after its invocation returned) and raw output
 * arriving between invocations are dropped and counted, never given to the next caller.
 * Raw output (descriptors 1 and 2) carries no id: it is given to the invocation in flight
 * when there is exactly one, and counted as unattributed otherwise. Every byte is spent
 * from the sandbox's `OutputBudget`; a sandbox that overdraws it is killed (`floodReason`).
 */
export class ShimConnection {
  /** The wait for a frame of no invocation (`ready`, `loaded`). */
  private waiter: Waiter | null = null;
  /** Invocations from sending their event until their result arrives, by id. */
  private readonly inFlight = new Map<string, InFlight>();
  private readonly stderrTail = new OutputTail();
  private readonly budget: OutputBudget;
  private exit: SandboxExit | null = null;
  private protocolEnded = false;
  private frozen = false;
  /** Calls off the freeze planned by `pause`. */
  private cancelFreeze: (() => void) | null = null;
  /** Frames written this turn wait for its end (see `write`). */
  private corked = false;
  /** Set when the sandbox sent a frame larger than allowed (it is then killed). */
  oversizedFrame = false;
  /** The invocation that frame named, when it named one. */
  oversizedFrameOf: string | null = null;
  /** Why the sandbox was killed for its output, when it wrote beyond its budget. */
  floodReason: string | null = null;
  /** Why the executor killed the sandbox (another invocation's timeout), for the invocations it was also serving. */
  killReason: string | null = null;

  private constructor(
    readonly handle: SandboxHandle,
    private readonly options: ShimOptions,
  ) {
    this.budget = new OutputBudget(options.output);
    onLines(handle.protocol, (line) => this.onProtocolLine(line), {
      maxLineLength: options.maxFrameBytes,
      onOversized: (start) => {
        this.oversizedFrame = true;
        this.oversizedFrameOf = FRAME_ID.exec(start)?.[1] ?? null;
        handle.kill();
      },
    });
    // After onLines' own listener: every line is delivered by the time this runs.
    handle.protocol.once('end', () => (this.protocolEnded = true));
    const raw = (stream: LogStream) => ({
      maxLineBytes: MAX_RAW_LINE,
      spend: (bytes: number) => this.spendRaw(bytes),
      wantsLines: () => {
        const only = this.onlyInFlight();
        return only !== undefined && !only.muted;
      },
      onLine: (line: string) => {
        const only = this.onlyInFlight();
        if (only) this.log(only, stream, line);
      },
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

  /** Invocations sent and not yet answered. */
  get invocationsInFlight(): number {
    return this.inFlight.size;
  }

  /** Kills the sandbox, saying why to the invocations it was serving. */
  kill(reason: string): void {
    this.killReason ??= reason;
    this.handle.kill();
  }

  /**
   * The sandbox goes to wait in its pool: frozen, when configured and the driver can (no
   * CPU until `resume`), once it has waited `freezeAfterMs` for its next invocation; never
   * with an invocation still in flight (a sandbox serving several at once). A freeze and its
   * thaw wake every thread of the sandbox twice (measured: ~0.25 ms of server CPU for a
   * Node.js sandbox), so back-to-back invocations, as a busy function gets, do not pay it;
   * as in Lambda, where an environment is frozen when no event is waiting for it.
   */
  pause(): void {
    if (!this.options.freezeIdle || !this.handle.freeze || this.exit || this.cancelFreeze || this.inFlight.size > 0) return;
    const freeze = () => {
      this.cancelFreeze = null;
      if (this.exit || this.inFlight.size > 0) return;
      this.handle.freeze?.();
      this.frozen = true;
    };
    const freezeAfterPendingInput = () => {
      // After the requests that arrived meanwhile are read (the poll phase comes before immediates):
      // a timer that fired late, because the event loop was busy, must not freeze a sandbox they want.
      const immediate = setImmediate(freeze);
      this.cancelFreeze = () => clearImmediate(immediate);
    };
    if (this.options.freezeAfterMs > 0) {
      const timer = setTimeout(freezeAfterPendingInput, this.options.freezeAfterMs);
      this.cancelFreeze = () => clearTimeout(timer);
    } else freezeAfterPendingInput();
  }

  /** The sandbox is handed out again: thawed (or its freeze called off). */
  resume(): void {
    this.cancelFreeze?.();
    this.cancelFreeze = null;
    if (!this.frozen) return;
    this.frozen = false;
    this.handle.thaw?.();
  }

  /**
   * `functionDir`: where the version's folder is in the sandbox (archive versions), or null.
   * The shim runs up to `target.concurrency` invocations at once.
   */
  async load(target: ExecutionTarget, filename: string, functionDir: string | null, modulePaths: string[]): Promise<void> {
    const reply = this.expect(['loaded', 'load_failed']);
    const { artifact, entry, environment: env, eventFormat, concurrency } = target;
    this.write({ type: 'load', artifact, filename, env, modulePaths, eventFormat, entry, functionDir, concurrency });
    const frame = await reply;
    if (frame.type === 'load_failed') {
      throw new FunctionLoadError(frame.error ?? { type: 'Error', message: 'The function failed to load' });
    }
  }

  /** `event` is what the handler is given (see `formatEvent`); a streamed response goes to `onResponse` as it comes. */
  async invoke(id: string, event: unknown, context: InvocationContext, onLog: LogSink, onResponse: ResponseSink | null = null): Promise<ShimResult> {
    if (this.exit) throw new InvocationNotDeliveredError(this.exit, this.stderrLines(), this.reportedOutOfMemory());
    const frame = await new Promise<ShimFrame>((resolve, reject) => {
      this.inFlight.set(id, { resolve, reject, onLog, onResponse, muted: false, accepted: false, output: { bytes: 0 } });
      this.write({ type: 'invoke', id, event, context });
    });
    return { ok: frame.ok === true, value: frame.value, error: frame.error, streamed: frame.streamed === true, metrics: frame.metrics };
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

  /**
   * Frames written within one turn of the event loop leave together, in one write: each
   * write to the pipe wakes the sandbox, which on a shared core runs at once, so a sandbox
   * serving many invocations would otherwise be woken once per invocation.
   */
  private write(frame: object): void {
    const { stdin } = this.handle;
    if (!this.corked) {
      this.corked = true;
      stdin.cork();
      setImmediate(() => {
        this.corked = false;
        stdin.uncork();
      });
    }
    stdin.write(`${JSON.stringify(frame)}\n`);
  }

  private onlyInFlight(): InFlight | undefined {
    return this.inFlight.size === 1 ? this.inFlight.values().next().value : undefined;
  }

  private onProtocolLine(line: string): void {
    if (this.floodReason) return;
    const logFrame = LOG_FRAME.exec(line);
    if (logFrame) {
      const invocation = logFrame[1] === undefined ? undefined : this.inFlight.get(logFrame[1]);
      if (!this.spend(line.length, invocation)) return;
      // A flood past the log cap, or of no invocation in flight, costs a prefix match per line, not a parse.
      if (!invocation) {
        this.options.stats.lateLines++;
        return;
      }
      if (invocation.muted) return;
      let frame: ShimFrame;
      try {
        frame = JSON.parse(line) as ShimFrame;
      } catch {
        return;
      }
      this.log(invocation, frame.stream ?? 'stdout', frame.message ?? '');
      return;
    }
    let frame: ShimFrame;
    try {
      frame = JSON.parse(line) as ShimFrame;
    } catch {
      // Only the shim writes here; user code that found the descriptor gets its bytes counted, not kept.
      this.spend(line.length, undefined);
      return;
    }
    if (frame.id !== undefined) {
      this.onInvocationFrame(frame);
      return;
    }
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = null;
      waiter.resolve(frame);
      return;
    }
    // A frame of no invocation and nothing waiting for one (a shim that misunderstood): whatever runs cannot be trusted.
    for (const [id, invocation] of this.inFlight) {
      this.inFlight.delete(id);
      invocation.reject(new Error(`Unexpected shim frame ${frame.type}`));
    }
  }

  private onInvocationFrame(frame: ShimFrame): void {
    // Only invocations in flight are answered; anything else is dropped like a late line.
    const invocation = this.inFlight.get(frame.id!);
    if (!invocation) return;
    switch (frame.type) {
      case 'accepted':
        invocation.accepted = true;
        return;
      case 'response_start':
        invocation.onResponse?.start({ statusCode: frame.statusCode ?? 200, headers: frame.headers ?? {} });
        return;
      case 'response_chunk':
        invocation.onResponse?.write(Buffer.from(frame.data ?? '', 'base64'));
        return;
      case 'result':
        // Output arriving after the result is no longer this invocation's.
        this.inFlight.delete(frame.id!);
        invocation.resolve(frame);
        return;
      default:
        this.inFlight.delete(frame.id!);
        invocation.reject(new Error(`Unexpected shim frame ${frame.type}`));
    }
  }

  /** Counts output against the budget (and the invocation's, when known); kills the sandbox when it floods. */
  private spend(bytes: number, invocation: InFlight | undefined): boolean {
    this.options.stats.bytes += bytes;
    if (this.budget.spend(bytes, invocation?.output ?? null)) return true;
    this.flooded();
    return false;
  }

  private spendRaw(bytes: number): boolean {
    const only = this.onlyInFlight();
    if (!only) this.options.stats.unattributedBytes += bytes;
    return this.spend(bytes, only);
  }

  private flooded(): void {
    if (this.floodReason) return;
    this.floodReason = this.budget.overdrawn;
    this.options.stats.floods++;
    this.handle.kill();
  }

  private log(invocation: InFlight, stream: LogStream, message: string): void {
    if (invocation.muted) return;
    if (!invocation.onLog(stream, message)) invocation.muted = true;
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
    if (waiter) {
      setImmediate(() => {
        if (this.waiter !== waiter) return; // Answered after all (its frame was still in the pipe).
        this.waiter = null;
        waiter.reject(new SandboxExitedError(exit, this.stderrLines(), this.reportedOutOfMemory()));
      });
    }
    if (this.inFlight.size === 0) return;
    // Let the last output arrive (`accepted` frames, results still in the pipe, why it died on stderr) before the verdicts.
    const report = () => {
      for (const [id, invocation] of this.inFlight) {
        this.inFlight.delete(id);
        const undelivered = !invocation.accepted && this.protocolEnded;
        const Failure = undelivered ? InvocationNotDeliveredError : SandboxExitedError;
        invocation.reject(new Failure(exit, this.stderrLines(), this.reportedOutOfMemory()));
      }
    };
    if (this.protocolEnded) setImmediate(report);
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
