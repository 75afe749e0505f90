import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface HostCommand {
  command: string;
  args: string[];
  cwd: string;
  /** The complete environment of the command (nothing is inherited). */
  env: Record<string, string>;
  timeoutMs: number;
  /** Every line the command prints, stdout and stderr interleaved. */
  onLine: (line: string) => void;
  /** Aborting kills the command. */
  signal?: AbortSignal;
  /** Run as this user (the server must be root to switch). */
  identity?: { uid: number; gid: number };
  /** Written to the command's stdin (closed right away otherwise). */
  input?: string;
}

export interface HostCommandResult {
  /** Exit code, or null when killed or not started. */
  code: number | null;
  timedOut: boolean;
  aborted: boolean;
  /** Set when the command could not be started at all (e.g. ENOENT). */
  startError: Error | null;
}

/**
 * Runs a command (bubblewrap with a tool inside, or the tool itself) in its own process
 * group, so that a timeout or an abort kills it with everything it started. Never rejects.
 */
export function runHostCommand(spec: HostCommand): Promise<HostCommandResult> {
  return new Promise((resolve) => {
    let timedOut = false;
    let aborted = false;
    let startError: Error | null = null;
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: [spec.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: true,
      ...spec.identity,
    });
    if (spec.input !== undefined && child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(spec.input);
    }
    const killGroup = () => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, spec.timeoutMs);
    const onAbort = () => {
      aborted = true;
      killGroup();
    };
    if (spec.signal?.aborted) onAbort();
    spec.signal?.addEventListener('abort', onAbort, { once: true });

    // Both streams must be drained before `close`, or the last lines could be lost.
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => spec.onLine(line));
    }
    child.once('error', (error) => {
      startError = error;
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', onAbort);
      resolve({ code: startError ? null : code, timedOut, aborted, startError });
    });
  });
}
