import { PassThrough } from 'node:stream';
import { Logger } from '@nestjs/common';
import { afterEach, beforeEach, describe, expect, it, type Mock, type Mocked, vi } from 'vitest';
import { AppConfig } from '@/kernel/config/app-config.js';
import { automock } from '../../../test/support/automock.js';
import { GenericSandboxPool } from './generic-sandbox-pool.js';
import { type SandboxExit, SandboxDriver, type SandboxHandle } from './sandbox-driver.js';

const configWith = (prewarm: string) => AppConfig.fromEnvironment({ NODE_ENV: 'test', FNGRAPH_PREWARM_SANDBOXES: prewarm });

interface FakeHandle extends SandboxHandle {
  readonly protocol: PassThrough;
  readonly kill: Mock<() => void>;
  /** The sandbox process ends (on its own, or because it was killed). */
  exit(): void;
}

/** A sandbox whose shim may say it is ready (`ready`) or not, over real streams as `ShimConnection` reads them. */
function fakeHandle({ ready }: { ready: boolean }): FakeHandle {
  let exit!: (exit: SandboxExit) => void;
  let running = true;
  const exited = new Promise<SandboxExit>((resolve) => (exit = resolve)).finally(() => (running = false));
  const protocol = new PassThrough();
  if (ready) protocol.write('{"type":"ready"}\n');
  return {
    dependenciesPath: null,
    stdin: new PassThrough(),
    protocol,
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    exited,
    get running() {
      return running;
    },
    kill: vi.fn(() => exit({ code: null, signal: 'SIGKILL', oomKilled: false })),
    memoryPeakBytes: async () => null,
    exit: () => exit({ code: 1, signal: null, oomKilled: false }),
  };
}

describe(GenericSandboxPool.name, () => {
  let driver: Mocked<SandboxDriver>;
  let handles: FakeHandle[];

  beforeEach(() => {
    driver = automock(SandboxDriver, { methods: ['start', 'availableRuntimes'], properties: { kind: 'process' } });
    handles = [];
    vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  /** Every start gives a sandbox whose shim is ready. */
  function startsReadySandboxes(): void {
    driver.start.mockImplementation(async () => {
      const handle = fakeHandle({ ready: true });
      handles.push(handle);
      return handle;
    });
  }

  it('starts the configured generic sandboxes through the driver when the application starts', async () => {
    startsReadySandboxes();
    const pool = new GenericSandboxPool(driver, configWith('nodejs20:128=2'));
    expect(driver.start).not.toHaveBeenCalled();

    pool.onApplicationBootstrap();
    await settle();

    expect(driver.start).toHaveBeenCalledTimes(2);
    expect(driver.start).toHaveBeenCalledWith({ runtime: 'nodejs20', memoryLimitMb: 128, label: 'generic-nodejs20', dependenciesDir: null });
    expect(pool.readyCount('nodejs20', 128)).toBe(2);
  });

  it('counts a sandbox as ready only once its shim says so', async () => {
    const silent = fakeHandle({ ready: false });
    driver.start.mockResolvedValue(silent);
    const pool = new GenericSandboxPool(driver, configWith('nodejs20:128=1'));

    pool.onApplicationBootstrap();
    await settle();
    expect(pool.readyCount('nodejs20', 128)).toBe(0);
    expect(pool.take('nodejs20', 128)).toBeNull();

    silent.protocol.write('{"type":"ready"}\n');
    await settle();
    expect(pool.readyCount('nodejs20', 128)).toBe(1);
  });

  it('hands out a ready sandbox to one caller, and starts its replacement only when told to', async () => {
    startsReadySandboxes();
    const pool = new GenericSandboxPool(driver, configWith('nodejs20:128=2'));
    pool.onApplicationBootstrap();
    await settle();

    const taken = pool.take('nodejs20', 128);

    expect(taken?.connection.handle).toBe(handles[0]);
    expect(taken?.startDurationMs).toBeGreaterThanOrEqual(0);
    // Nothing starts while the caller's first call runs.
    expect(driver.start).toHaveBeenCalledTimes(2);
    pool.refill();
    expect(driver.start).toHaveBeenCalledTimes(3);
    await settle();
    expect(pool.readyCount('nodejs20', 128)).toBe(2);
    expect(pool.take('nodejs20', 128)?.connection.handle).toBe(handles[1]);
  });

  it('starts replacements after the delay it is given', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    startsReadySandboxes();
    const pool = new GenericSandboxPool(driver, configWith('nodejs20:128=1'));
    pool.onApplicationBootstrap();
    await settle();
    pool.take('nodejs20', 128);

    pool.refill(50);
    await vi.advanceTimersByTimeAsync(49);
    expect(driver.start).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(driver.start).toHaveBeenCalledTimes(2);
  });

  it('has nothing for a runtime or memory size it does not keep', async () => {
    startsReadySandboxes();
    const pool = new GenericSandboxPool(driver, configWith('nodejs20:128=1'));
    pool.onApplicationBootstrap();
    await settle();

    expect(pool.take('nodejs20', 256)).toBeNull();
    expect(pool.take('python3.11', 128)).toBeNull();
    expect(driver.start).toHaveBeenCalledTimes(1);
  });

  it('never hands out a sandbox that died while waiting, and replaces it', async () => {
    startsReadySandboxes();
    const pool = new GenericSandboxPool(driver, configWith('nodejs20:128=2'));
    pool.onApplicationBootstrap();
    await settle();

    handles[0]!.exit();
    await settle();

    expect(driver.start).toHaveBeenCalledTimes(3);
    expect(pool.readyCount('nodejs20', 128)).toBe(2);
    expect(pool.take('nodejs20', 128)?.connection.handle).toBe(handles[1]);
    expect(pool.take('nodejs20', 128)?.connection.handle).toBe(handles[2]);
  });

  it('refuses a setting that names an unknown runtime', () => {
    expect(() => new GenericSandboxPool(driver, configWith('ruby3:128=1'))).toThrow(/unknown runtime ruby3/);
  });

  it('retries a failing start after a delay, not in a loop', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    driver.start.mockRejectedValueOnce(new Error('docker is down'));
    const pool = new GenericSandboxPool(driver, configWith('nodejs20:128=1'));

    pool.onApplicationBootstrap();
    await settle();
    expect(driver.start).toHaveBeenCalledTimes(1);
    expect(Logger.prototype.warn).toHaveBeenCalledWith(expect.stringContaining('docker is down'));

    startsReadySandboxes();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(driver.start).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(driver.start).toHaveBeenCalledTimes(2);
    expect(pool.readyCount('nodejs20', 128)).toBe(1);
  });

  it('kills a sandbox whose shim dies before it is ready, and retries later', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const stillborn = fakeHandle({ ready: false });
    driver.start.mockResolvedValueOnce(stillborn);
    const pool = new GenericSandboxPool(driver, configWith('nodejs20:128=1'));
    pool.onApplicationBootstrap();
    await settle();

    stillborn.exit();
    await settle();
    await settle();

    expect(stillborn.kill).toHaveBeenCalled();
    expect(pool.readyCount('nodejs20', 128)).toBe(0);
    startsReadySandboxes();
    await vi.advanceTimersByTimeAsync(5_000);
    await settle();
    expect(driver.start).toHaveBeenCalledTimes(2);
    expect(pool.readyCount('nodejs20', 128)).toBe(1);
  });

  it('kills its waiting sandboxes on shutdown, and those still starting once they are up', async () => {
    startsReadySandboxes();
    const pool = new GenericSandboxPool(driver, configWith('nodejs20:128=2'));
    pool.onApplicationBootstrap();
    await settle();
    pool.take('nodejs20', 128);
    pool.refill();

    pool.onModuleDestroy();
    await settle();

    // handles[0] was taken: it belongs to its caller now.
    expect(handles.map((handle) => handle.kill.mock.calls.length)).toEqual([0, 1, 1]);
    expect(pool.take('nodejs20', 128)).toBeNull();
    expect(driver.start).toHaveBeenCalledTimes(3);
  });
});

/** Lets every pending promise and stream callback run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));
