import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { SandboxExit, SandboxHandle } from './sandbox-driver.js';
import { InvocationNotDeliveredError, SandboxExitedError, ShimConnection } from './shim-connection.js';

/** A sandbox over real streams: `stdout` is what the shim says, `die()` what a SIGKILL does. */
function sandbox() {
  let exit!: (exit: SandboxExit) => void;
  let running = true;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const handle: SandboxHandle = {
    dependenciesPath: null,
    stdin: new PassThrough(),
    stdout,
    stderr,
    exited: new Promise<SandboxExit>((resolve) => (exit = resolve)),
    get running() {
      return running;
    },
    kill: () => undefined,
    memoryPeakBytes: async () => null,
  };
  return {
    handle,
    say: (frame: object) => stdout.write(`${JSON.stringify(frame)}\n`),
    die: () => {
      running = false;
      stdout.end();
      stderr.end();
      exit({ code: null, signal: 'SIGKILL', oomKilled: false });
    },
    stopRunning: () => (running = false),
  };
}

const event = { method: 'GET', path: '/', headers: {}, query: {}, body: null, isBase64Encoded: false };
const context = { invocationId: 'i', functionName: 'f', version: '1.0.0', deadlineMs: 0, traceId: null, traceparent: null };
const invoke = (connection: ShimConnection) => connection.invoke('i', event, context, () => true);

async function open() {
  const fake = sandbox();
  fake.say({ type: 'ready' });
  return { ...fake, connection: await ShimConnection.open(fake.handle, 1 << 20) };
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
});
