import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import type { SandboxExit, SandboxHandle } from './sandbox-driver.js';
import { SandboxOutputStats } from './sandbox-output-stats.js';
import { InvocationNotDeliveredError, isOutOfMemoryError, SandboxExitedError, ShimConnection, type ShimOptions } from './shim-connection.js';

/** A sandbox over real streams: `protocol` is what the shim says, `stdout` its raw output, `die()` what a SIGKILL does. */
function sandbox() {
  let exit!: (exit: SandboxExit) => void;
  let running = true;
  const protocol = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const die = () => {
    if (!running) return;
    running = false;
    protocol.end();
    stdout.end();
    stderr.end();
    exit({ code: null, signal: 'SIGKILL', oomKilled: false });
  };
  const handle: SandboxHandle = {
    dependenciesPath: null,
    stdin: new PassThrough(),
    protocol,
    stdout,
    stderr,
    exited: new Promise<SandboxExit>((resolve) => (exit = resolve)),
    get running() {
      return running;
    },
    kill: die,
    memoryPeakBytes: async () => null,
  };
  return {
    handle,
    // Like a killed process, a dead sandbox writes nothing more.
    say: (frame: object) => running && protocol.write(`${JSON.stringify(frame)}\n`),
    print: (text: string) => running && stdout.write(text),
    die,
    stopRunning: () => (running = false),
  };
}

const event = { method: 'GET', path: '/', headers: {}, query: {}, body: null, isBase64Encoded: false };
const context = { invocationId: 'i', functionName: 'f', version: '1.0.0', deadlineMs: 0, traceId: null, traceparent: null };
const invoke = (connection: ShimConnection, id = 'i', onLog = (_stream: string, _message: string) => true) => connection.invoke(id, event, context, onLog);
/** Lets the streams deliver what was written. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

async function open({
  output = { bytesPerSecond: 0, maxBytesPerInvocation: 0 },
  freezeAfterMs = 0,
}: { output?: ShimOptions['output']; freezeAfterMs?: number } = {}) {
  const fake = sandbox();
  const stats = new SandboxOutputStats();
  fake.say({ type: 'ready' });
  const connection = await ShimConnection.open(fake.handle, { maxFrameBytes: 1 << 20, output, freezeIdle: true, freezeAfterMs, stats });
  return { ...fake, stats, connection };
}

describe(ShimConnection.name, () => {
  it('reports a sandbox that died before accepting the invocation as not delivered (safe to run elsewhere)', async () => {
    const { connection, die } = await open();
    const result = invoke(connection);
    die();
    await expect(result).rejects.toBeInstanceOf(InvocationNotDeliveredError);
  });

  it('never calls an accepted invocation undelivered: the function may have run', async () => {
    const { connection, say, die } = await open();
    const result = invoke(connection);
    say({ type: 'accepted', id: 'i' });
    die();
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxExitedError);
    expect(error).not.toBeInstanceOf(InvocationNotDeliveredError);
  });

  it('still takes a result that was in the pipe when the sandbox died', async () => {
    const { connection, say, die } = await open();
    const result = invoke(connection);
    say({ type: 'accepted', id: 'i' });
    say({ type: 'result', id: 'i', ok: true, value: 42 });
    die();
    await expect(result).resolves.toMatchObject({ ok: true, value: 42 });
  });

  it('is not alive once the driver says the sandbox stopped, before the exit event', async () => {
    const { connection, stopRunning } = await open();
    expect(connection.alive).toBe(true);
    stopRunning();
    expect(connection.alive).toBe(false);
  });

  it('refuses to send to a sandbox known to be dead, as not delivered', async () => {
    const { connection, die } = await open();
    die();
    await new Promise((r) => setImmediate(r));
    await expect(invoke(connection)).rejects.toBeInstanceOf(InvocationNotDeliveredError);
  });

  it('gives an invocation its own lines only: a line tagged with a finished invocation is dropped and counted', async () => {
    const { connection, say, stats } = await open();
    const first = invoke(connection, 'first');
    say({ type: 'accepted', id: 'first' });
    say({ type: 'result', id: 'first', ok: true, value: 1 });
    await first;
    const lines: string[] = [];
    const second = invoke(connection, 'second', (_stream, message) => lines.push(message) > 0);
    say({ type: 'accepted', id: 'second' });
    say({ type: 'log', id: 'first', stream: 'stdout', message: 'late line of the first caller' });
    say({ type: 'log', id: 'second', stream: 'stdout', message: 'own line' });
    say({ type: 'result', id: 'second', ok: true, value: 2 });
    await second;
    expect(lines).toEqual(['own line']);
    expect(stats.lateLines).toBe(1);
  });

  it('gives raw output to the invocation in flight, and drops (counting) what arrives between invocations', async () => {
    const { connection, say, print, stats } = await open();
    print('between invocations\n');
    await settle();
    const lines: string[] = [];
    const result = invoke(connection, 'i', (_stream, message) => lines.push(message) > 0);
    print('during: one\ndur');
    await settle();
    print('ing: two\n');
    await settle();
    say({ type: 'result', id: 'i', ok: true, value: null });
    await result;
    print('after\n');
    await settle();
    expect(lines).toEqual(['during: one', 'during: two']);
    expect(stats.unattributedBytes).toBe('between invocations\n'.length + 'after\n'.length);
  });

  it('kills a sandbox that writes faster than its budget, and fails its invocation with the reason', async () => {
    const { connection, print, stats } = await open({ output: { bytesPerSecond: 1000, maxBytesPerInvocation: 0 } });
    const result = invoke(connection);
    for (let i = 0; i < 30; i++) print(`${'x'.repeat(99)}\n`);
    await expect(result).rejects.toBeInstanceOf(SandboxExitedError);
    expect(connection.floodReason).toMatch(/^log flood: .*1000 bytes\/s/);
    expect(stats.floods).toBe(1);
    expect(connection.alive).toBe(false);
  });

  it('kills an idle sandbox that floods between invocations too', async () => {
    const { connection, say, print, stats } = await open({ output: { bytesPerSecond: 1000, maxBytesPerInvocation: 0 } });
    for (let i = 0; i < 30; i++) say({ type: 'log', id: null, stream: 'stdout', message: 'x'.repeat(99) });
    print('y'.repeat(10));
    await settle();
    expect(connection.floodReason).toMatch(/^log flood/);
    expect(stats.floods).toBe(1);
    expect(connection.alive).toBe(false);
  });

  it('freezes a paused sandbox just after the current turn, thaws it when resumed, and never freezes one taken again at once', async () => {
    const { connection, handle } = await open();
    handle.freeze = vi.fn();
    handle.thaw = vi.fn();
    connection.pause();
    expect(handle.freeze).not.toHaveBeenCalled();
    connection.resume();
    await settle();
    expect(handle.freeze).not.toHaveBeenCalled();
    expect(handle.thaw).not.toHaveBeenCalled();

    connection.pause();
    await settle();
    expect(handle.freeze).toHaveBeenCalledTimes(1);
    connection.resume();
    expect(handle.thaw).toHaveBeenCalledTimes(1);
    connection.resume();
    expect(handle.thaw).toHaveBeenCalledTimes(1);
  });

  it('with a freeze delay, freezes a paused sandbox only once it has waited that long for its next invocation', async () => {
    vi.useFakeTimers();
    try {
      const { connection, handle } = await open({ freezeAfterMs: 5 });
      handle.freeze = vi.fn();
      handle.thaw = vi.fn();
      connection.pause();
      await vi.advanceTimersByTimeAsync(4);
      connection.resume();
      await vi.advanceTimersByTimeAsync(10);
      expect(handle.freeze).not.toHaveBeenCalled();

      // The delay over (late, say, behind a busy event loop), a call read in the same turn still takes it unfrozen.
      connection.pause();
      await vi.advanceTimersByTimeAsync(5);
      connection.resume();
      await vi.runAllTimersAsync();
      expect(handle.freeze).not.toHaveBeenCalled();

      connection.pause();
      await vi.advanceTimersByTimeAsync(5);
      await vi.advanceTimersToNextTimerAsync();
      expect(handle.freeze).toHaveBeenCalledTimes(1);
      connection.resume();
      expect(handle.thaw).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe(`${ShimConnection.name} with several invocations in flight`, () => {
  const collector = () => {
    const lines: string[] = [];
    return { lines, onLog: (_stream: string, message: string) => lines.push(message) > 0 };
  };

  it('answers each invocation by its id, in whatever order the results come, and gives each its own lines', async () => {
    const { connection, say } = await open();
    const a = collector();
    const b = collector();
    const first = invoke(connection, 'a', a.onLog);
    const second = invoke(connection, 'b', b.onLog);
    say({ type: 'accepted', id: 'a' });
    say({ type: 'accepted', id: 'b' });
    say({ type: 'log', id: 'a', stream: 'stdout', message: 'a 1' });
    say({ type: 'log', id: 'b', stream: 'stdout', message: 'b 1' });
    say({ type: 'log', id: 'a', stream: 'stdout', message: 'a 2' });
    say({ type: 'result', id: 'b', ok: true, value: 'B' });
    say({ type: 'log', id: 'b', stream: 'stdout', message: 'late line of b' });
    say({ type: 'log', id: 'a', stream: 'stdout', message: 'a 3' });
    say({ type: 'result', id: 'a', ok: true, value: 'A' });
    await expect(second).resolves.toMatchObject({ ok: true, value: 'B' });
    await expect(first).resolves.toMatchObject({ ok: true, value: 'A' });
    expect(a.lines).toEqual(['a 1', 'a 2', 'a 3']);
    expect(b.lines).toEqual(['b 1']);
    expect(connection.invocationsInFlight).toBe(0);
  });

  it('gives raw output to the only invocation in flight, and counts it unattributed while several are', async () => {
    const { connection, say, print, stats } = await open();
    const a = collector();
    const b = collector();
    const first = invoke(connection, 'a', a.onLog);
    print('only a runs\n');
    await settle();
    const second = invoke(connection, 'b', b.onLog);
    print('a and b run\n');
    await settle();
    say({ type: 'result', id: 'a', ok: true, value: null });
    await first;
    print('only b runs\n');
    await settle();
    say({ type: 'result', id: 'b', ok: true, value: null });
    await second;
    expect(a.lines).toEqual(['only a runs']);
    expect(b.lines).toEqual(['only b runs']);
    expect(stats.unattributedBytes).toBe('a and b run\n'.length);
  });

  it("caps each invocation's log on its own: one that is full does not mute the other", async () => {
    const { connection, say } = await open();
    const a: string[] = [];
    const b: string[] = [];
    const first = invoke(connection, 'a', (_stream, message) => a.push(message) < 1);
    const second = invoke(connection, 'b', (_stream, message) => b.push(message) > 0);
    for (const message of ['1', '2', '3']) {
      say({ type: 'log', id: 'a', stream: 'stdout', message });
      say({ type: 'log', id: 'b', stream: 'stdout', message });
    }
    say({ type: 'result', id: 'a', ok: true, value: null });
    say({ type: 'result', id: 'b', ok: true, value: null });
    await Promise.all([first, second]);
    expect(a).toEqual(['1']);
    expect(b).toEqual(['1', '2', '3']);
  });

  it("counts each invocation's output against the per-invocation limit on its own", async () => {
    const { connection, say } = await open({ output: { bytesPerSecond: 0, maxBytesPerInvocation: 400 } });
    const first = invoke(connection, 'a');
    const second = invoke(connection, 'b');
    // 2 × 250 bytes in all, but 250 each: within the limit.
    say({ type: 'log', id: 'a', stream: 'stdout', message: 'x'.repeat(200) });
    say({ type: 'log', id: 'b', stream: 'stdout', message: 'y'.repeat(200) });
    say({ type: 'result', id: 'a', ok: true, value: null });
    say({ type: 'result', id: 'b', ok: true, value: null });
    await Promise.all([first, second]);
    expect(connection.floodReason).toBeNull();
  });

  it('fails every invocation in flight when the sandbox dies: undelivered only those never accepted', async () => {
    const { connection, say, die } = await open();
    const accepted = invoke(connection, 'a').catch((e: unknown) => e);
    const answered = invoke(connection, 'b');
    const notAccepted = invoke(connection, 'c').catch((e: unknown) => e);
    say({ type: 'accepted', id: 'a' });
    say({ type: 'accepted', id: 'b' });
    say({ type: 'result', id: 'b', ok: true, value: 'in the pipe' });
    die();
    const [a, c] = await Promise.all([accepted, notAccepted]);
    expect(a).toBeInstanceOf(SandboxExitedError);
    expect(a).not.toBeInstanceOf(InvocationNotDeliveredError);
    expect(c).toBeInstanceOf(InvocationNotDeliveredError);
    await expect(answered).resolves.toMatchObject({ ok: true, value: 'in the pipe' });
  });

  it('names the invocation whose frame was over the size limit (the one whose answer was too large)', async () => {
    const fake = sandbox();
    fake.say({ type: 'ready' });
    const stats = new SandboxOutputStats();
    const connection = await ShimConnection.open(fake.handle, {
      maxFrameBytes: 1000,
      output: { bytesPerSecond: 0, maxBytesPerInvocation: 0 },
      freezeIdle: false,
      freezeAfterMs: 0,
      stats,
    });
    const big = invoke(connection, 'big').catch((e: unknown) => e);
    const bystander = invoke(connection, 'bystander').catch((e: unknown) => e);
    fake.say({ type: 'accepted', id: 'big' });
    fake.say({ type: 'accepted', id: 'bystander' });
    fake.say({ type: 'result', id: 'big', ok: true, value: 'x'.repeat(2000) });
    expect(await big).toBeInstanceOf(SandboxExitedError);
    expect(await bystander).toBeInstanceOf(SandboxExitedError);
    expect(connection.oversizedFrame).toBe(true);
    expect(connection.oversizedFrameOf).toBe('big');
  });

  it('never freezes a sandbox while an invocation is in flight in it', async () => {
    const { connection, handle, say } = await open();
    handle.freeze = vi.fn();
    const first = invoke(connection, 'a');
    const second = invoke(connection, 'b');
    say({ type: 'result', id: 'a', ok: true, value: null });
    await first;
    connection.pause();
    await settle();
    expect(handle.freeze).not.toHaveBeenCalled();
    say({ type: 'result', id: 'b', ok: true, value: null });
    await second;
    connection.pause();
    await settle();
    expect(handle.freeze).toHaveBeenCalledTimes(1);
  });
});

describe('isOutOfMemoryError', () => {
  it('recognises failed allocations as Node.js 20-22 and 24 word them, and Python MemoryError', () => {
    expect(isOutOfMemoryError({ type: 'RangeError', message: 'Array buffer allocation failed' })).toBe(true);
    expect(isOutOfMemoryError({ type: 'RangeError', message: 'Failed to allocate memory' })).toBe(true);
    expect(isOutOfMemoryError({ type: 'MemoryError', message: '' })).toBe(true);
    expect(isOutOfMemoryError({ type: 'RangeError', message: 'Invalid array length' })).toBe(false);
    expect(isOutOfMemoryError(undefined)).toBe(false);
  });
});
