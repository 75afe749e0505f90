import { performance } from 'node:perf_hooks';

/** What one sandbox may write; 0 turns a limit off. */
export interface OutputLimits {
  /** Sustained rate, measured over `OUTPUT_WINDOW_MS`: a burst of up to rate × window passes. */
  bytesPerSecond: number;
  /** Everything one invocation may write, whatever the rate. */
  maxBytesPerInvocation: number;
}

/** The short window the rate is measured over. */
export const OUTPUT_WINDOW_MS = 2000;

/** What one invocation has written so far, counted against `maxBytesPerInvocation`. */
export interface InvocationOutput {
  bytes: number;
}

/**
 * The output budget of one sandbox: a token bucket for the rate (refilled at
 * `bytesPerSecond`, holding at most one window's worth) plus, per invocation in flight, a
 * count of the bytes known to be its own. Every byte the sandbox writes is spent here, log
 * frames and raw output alike, in and between invocations; once it overdraws, the sandbox
 * floods and is killed. Constant work per chunk, so a flood costs a subtraction per read.
 */
export class OutputBudget {
  private tokens: number;
  private refilledAt: number;
  private exceeded: string | null = null;

  constructor(
    private readonly limits: OutputLimits,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.tokens = this.capacity;
    this.refilledAt = clock();
  }

  /** Why the sandbox is over budget, once it is (it stays so). */
  get overdrawn(): string | null {
    return this.exceeded;
  }

  /** Counts bytes written (by `invocation`, when they are known to be its own); returns whether the sandbox is still within its budget. */
  spend(bytes: number, invocation: InvocationOutput | null): boolean {
    if (this.exceeded) return false;
    const { bytesPerSecond, maxBytesPerInvocation } = this.limits;
    if (bytesPerSecond > 0) {
      const now = this.clock();
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.refilledAt) * bytesPerSecond) / 1000);
      this.refilledAt = now;
      this.tokens -= bytes;
      if (this.tokens < 0) {
        this.exceeded = `log flood: the sandbox wrote more than ${bytesPerSecond} bytes/s (over ${OUTPUT_WINDOW_MS / 1000} s)`;
        return false;
      }
    }
    if (invocation && maxBytesPerInvocation > 0) {
      invocation.bytes += bytes;
      if (invocation.bytes > maxBytesPerInvocation) {
        this.exceeded = `log flood: the invocation wrote more than ${maxBytesPerInvocation} bytes of output`;
        return false;
      }
    }
    return true;
  }

  private get capacity(): number {
    return (this.limits.bytesPerSecond * OUTPUT_WINDOW_MS) / 1000;
  }
}
