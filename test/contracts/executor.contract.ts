import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ThrottledError } from '@/kernel/errors/domain-error.js';
import { newId } from '@/kernel/ids/new-id.js';
import { AppConfig, type ExecutorKind } from '@/kernel/config/app-config.js';
import type { ExecutionOutcome, ExecutionRequest, ExecutionTarget, InvocationEvent, LogStream } from '@/modules/executor/execution.types.js';
import { ExecutorModule } from '@/modules/executor/executor.module.js';
import { SandboxModule } from '@/adapters/sandbox/sandbox.module.js';
import { testKernelModules } from '../support/recorded-errors.js';
import { until } from '../support/until.js';
import { ExecutorService } from '@/modules/executor/executor.service.js';
import { SandboxDriver, type SandboxHandle } from '@/modules/executor/sandbox-driver.js';

/** Set in the test process and in the server configuration: must never reach a function. */
const SENTINEL = 'FNGRAPH_CONTRACT_SENTINEL';
const MAX_QUEUED = 10;
const MAX_RESPONSE_BYTES = 64 * 1024;
const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

export interface ExecutorContractOptions {
  /** Extra configuration for this executor. */
  env?: Record<string, string>;
  /** Names the variant in the test titles. */
  variant?: string;
  /**
   * Whether memory outside the JavaScript heap is reported as OOM_KILLED every time.
   * Under rlimits the allocation fails inside the process instead, which then crashes
   * in ways that cannot always be told apart from other crashes: it only must end.
   */
  exactOffHeapOom?: boolean;
}

const EVENT: InvocationEvent = { method: 'POST', path: '/', headers: {}, query: {}, body: null, isBase64Encoded: false };

interface Run {
  outcome: ExecutionOutcome;
  logs: { stream: LogStream; message: string }[];
}

/**
 * The behaviour every sandbox driver must give the executor, checked through a real
 * `ExecutorService` built by Nest with the driver chosen by configuration.
 */
export function executorContract(kind: ExecutorKind, options: ExecutorContractOptions = {}): void {
  describe(`executor contract: ${kind}${options.variant ? ` (${options.variant})` : ''}`, () => {
    let moduleRef: TestingModule;
    let executor: ExecutorService;
    let driver: SandboxDriver;
    let dataDir: string;

    beforeAll(async () => {
      process.env[SENTINEL] = 'test-process-secret';
      dataDir = mkdtempSync(join(tmpdir(), 'fngraph-executor-'));
      const config = AppConfig.fromEnvironment({
        NODE_ENV: 'test',
        FNGRAPH_DATA_DIR: dataDir,
        FNGRAPH_EXECUTOR: kind,
        FNGRAPH_MAX_QUEUED_PER_FUNCTION: String(MAX_QUEUED),
        FNGRAPH_MAX_RESPONSE_BYTES: String(MAX_RESPONSE_BYTES),
        // A flood is stopped by bytes, not by its speed: a loaded machine slows it, never saves it.
        FNGRAPH_SANDBOX_OUTPUT_MAX_BYTES: String(MAX_OUTPUT_BYTES),
        [SENTINEL]: 'server-config-secret',
        ...options.env,
      });
      moduleRef = await Test.createTestingModule({
        imports: [...testKernelModules(config), ExecutorModule.register({ sandbox: SandboxModule.forConfig(config) })],
      }).compile();
      await moduleRef.init();
      executor = moduleRef.get(ExecutorService);
      driver = moduleRef.get(SandboxDriver);
    });

    afterAll(async () => {
      await moduleRef?.close();
      rmSync(dataDir, { recursive: true, force: true });
      delete process.env[SENTINEL];
    });

    function target(source: string, overrides: Partial<ExecutionTarget> = {}): ExecutionTarget {
      const id = newId();
      return {
        versionId: id,
        functionId: id,
        functionName: `contract-${id.slice(0, 8)}`,
        ownerId: 'contract-owner',
        version: '1.0.0',
        runtime: 'nodejs24',
        artifact: source,
        environment: {},
        dependenciesDir: null,
        timeoutMs: 10_000,
        memoryLimitMb: 128,
        minInstances: 0,
        maxInstances: 4,
        concurrency: 1,
        eventFormat: 'native',
        ...overrides,
      };
    }

    async function run(fn: ExecutionTarget, body: string | null = null, maxLines = Number.POSITIVE_INFINITY): Promise<Run> {
      const { logs, outcome } = launch(fn, body, maxLines);
      return { outcome: await outcome, logs };
    }

    /** Starts an invocation; its log lines can be read while it runs. */
    function launch(
      fn: ExecutionTarget,
      body: string | null = null,
      maxLines = Number.POSITIVE_INFINITY,
    ): { logs: Run['logs']; outcome: Promise<ExecutionOutcome> } {
      const logs: Run['logs'] = [];
      const invocationId = newId();
      const request: ExecutionRequest = {
        invocationId,
        event: { ...EVENT, body },
        context: { invocationId, functionName: fn.functionName, version: fn.version, deadlineMs: Date.now() + fn.timeoutMs, traceId: null, traceparent: null },
        onLog: (stream, message) => {
          if (logs.length >= maxLines) return false;
          logs.push({ stream, message });
          return true;
        },
      };
      return { outcome: executor.execute(fn, request), logs };
    }

    it('loads a function, invokes it cold then warm, and measures both', async () => {
      const fn = target('module.exports = async (event, context) => ({ body: event.body, name: context.functionName });');
      const first = await run(fn, 'hello');
      expect(first.outcome).toMatchObject({ status: 'SUCCEEDED', value: { body: 'hello', name: fn.functionName }, coldStart: true });
      expect(first.outcome.initDurationMs).toBeGreaterThan(0);
      expect(first.outcome.durationMs).toBeGreaterThan(0);
      const second = await run(fn, 'again');
      expect(second.outcome).toMatchObject({ status: 'SUCCEEDED', value: { body: 'again' }, coldStart: false, initDurationMs: null });
      expect(second.outcome.memoryPeakBytes).toBeGreaterThan(1024 * 1024);
      expect(second.outcome.cpuTimeMs).toBeGreaterThanOrEqual(0);
      expect(executor.poolStats(fn.versionId)).toMatchObject({ instances: 1, idle: 1, queued: 0 });
    });

    it("answers a function that returns a plain value without loading Node's fetch implementation (a cold start cost)", async () => {
      const fn = target("module.exports = async () => ({ fetchLoaded: process.moduleLoadList.some((name) => name.includes('undici')) });");
      expect((await run(fn)).outcome).toMatchObject({ status: 'SUCCEEDED', coldStart: true });
      // Asked again, after the shim handled the first answer.
      expect((await run(fn)).outcome).toMatchObject({ status: 'SUCCEEDED', value: { fetchLoaded: false }, coldStart: false });
      // A Web Response is still recognised as one.
      const web = target("module.exports = async () => new Response('hi', { status: 201, headers: { 'content-type': 'text/plain' } });");
      expect((await run(web)).outcome).toMatchObject({ status: 'SUCCEEDED', value: { statusCode: 201, body: 'hi' } });
    });

    it.each([
      ['nodejs24', 24],
      ['nodejs22', 22],
    ] as const)('runs %s functions on Node.js %i (its own interpreter or image)', async (runtime, major) => {
      expect(await driver.availableRuntimes()).toContain(runtime);
      const fn = target('module.exports = async () => ({ version: process.version });', { runtime });
      const { outcome } = await run(fn);
      expect(outcome.status).toBe('SUCCEEDED');
      expect((outcome.value as { version: string }).version).toMatch(new RegExp(`^v${major}\\.`));
    });

    it('delivers log lines in order with their streams', async () => {
      const fn = target(`module.exports = async () => {
        for (let i = 1; i <= 50; i++) console.log('line ' + i);
        console.error('to stderr');
        process.stdout.write('partial ');
        process.stdout.write('line\\n');
        return 'logged';
      };`);
      const { outcome, logs } = await run(fn);
      expect(outcome.status).toBe('SUCCEEDED');
      expect(logs).toEqual([
        ...Array.from({ length: 50 }, (_, i) => ({ stream: 'stdout', message: `line ${i + 1}` })),
        { stream: 'stderr', message: 'to stderr' },
        { stream: 'stdout', message: 'partial line' },
      ]);
    });

    it('reports thrown errors as FAILED and keeps the sandbox warm', async () => {
      const fn = target('module.exports = async (event) => { if (event.body === "throw") throw new TypeError("bad thing"); return "ok"; };');
      const failed = await run(fn, 'throw');
      expect(failed.outcome).toMatchObject({ status: 'FAILED', error: { type: 'TypeError', message: 'bad thing' } });
      expect(failed.outcome.error?.stack).toContain('bad thing');
      expect((await run(fn)).outcome).toMatchObject({ status: 'SUCCEEDED', value: 'ok', coldStart: false });
    });

    it('reports a function that fails to load as FAILED', async () => {
      const { outcome } = await run(target('throw new RangeError("broken at load");'));
      expect(outcome).toMatchObject({ status: 'FAILED', error: { type: 'RangeError', message: 'broken at load' } });
    });

    it('streams a response to the sink as it is produced, in order, and ends with its head and body as the value', async () => {
      const fn = target(
        'exports.handler = async function* () { for (let i = 1; i <= 3; i++) { yield "part " + i + "\\n"; await new Promise((r) => setTimeout(r, 20)); } };',
      );
      const received: string[] = [];
      const invocationId = newId();
      const outcome = await executor.execute(fn, {
        invocationId,
        event: EVENT,
        context: { invocationId, functionName: fn.functionName, version: fn.version, deadlineMs: Date.now() + fn.timeoutMs, traceId: null, traceparent: null },
        onLog: () => true,
        onResponse: { start: (head) => received.push(`head ${head.statusCode}`), write: (chunk) => received.push(chunk.toString()) },
      });
      expect(received).toEqual(['head 200', 'part 1\n', 'part 2\n', 'part 3\n']);
      expect(outcome).toMatchObject({
        status: 'SUCCEEDED',
        value: { statusCode: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'part 1\npart 2\npart 3\n', isBase64Encoded: false },
        responseTruncated: false,
      });
    });

    it('ends a function running past its timeout as TIMED_OUT, then serves the next invocation fresh', async () => {
      const fn = target('module.exports = async (event) => { if (event.body === "loop") for (;;) {} return "fine"; };', { timeoutMs: 1000 });
      expect((await run(fn)).outcome.status).toBe('SUCCEEDED');
      const looping = await run(fn, 'loop');
      expect(looping.outcome).toMatchObject({ status: 'TIMED_OUT', error: { type: 'Timeout' } });
      const next = await run(fn);
      expect(next.outcome).toMatchObject({ status: 'SUCCEEDED', value: 'fine', coldStart: true });
    });

    it('reports a heap exhausted past the memory limit as OOM_KILLED', async () => {
      const fn = target('module.exports = async () => { const keep = []; for (;;) keep.push(new Array(1e5).fill(Math.random())); };', { memoryLimitMb: 64 });
      const { outcome } = await run(fn);
      expect(outcome).toMatchObject({ status: 'OOM_KILLED', error: { type: 'OutOfMemory' } });
    });

    it('collects garbage before the memory limit: churning through many times the limit in short-lived objects succeeds', async () => {
      // 100 arrays of 4 MB each, one alive at a time, under a 64 MB limit: the runtime must
      // know the limit (V8 sizes its heap from the machine otherwise, and the kernel kills it).
      const fn = target(
        'module.exports = async () => { let total = 0; for (let i = 0; i < 100; i++) total += new Array(5e5).fill(i).length; return total; };',
        {
          memoryLimitMb: 64,
        },
      );
      for (let round = 0; round < 3; round++) expect((await run(fn)).outcome).toMatchObject({ status: 'SUCCEEDED', value: 5e7 });
    });

    it('stops memory outside the JavaScript heap at the limit (the driver enforces it)', async () => {
      const fn = target(
        'module.exports = async (event) => { if (event.body !== "bomb") return "fine"; const keep = []; for (;;) keep.push(Buffer.alloc(4 * 1024 * 1024, 1)); };',
        {
          memoryLimitMb: 64,
        },
      );
      const { outcome } = await run(fn, 'bomb');
      if (options.exactOffHeapOom === false) expect(['OOM_KILLED', 'FAILED']).toContain(outcome.status);
      else expect(outcome).toMatchObject({ status: 'OOM_KILLED', error: { type: 'OutOfMemory' } });
      expect((await run(fn)).outcome).toMatchObject({ status: 'SUCCEEDED', value: 'fine', coldStart: true });
    });

    it('reports a sandbox that exits as FAILED with the reason, and starts a fresh one next time', async () => {
      const fn = target('module.exports = async (event) => { if (event.body === "exit") process.exit(3); return process.pid; };');
      const before = await run(fn);
      expect(before.outcome.status).toBe('SUCCEEDED');
      const crashed = await run(fn, 'exit');
      expect(crashed.outcome).toMatchObject({ status: 'FAILED', error: { type: 'SandboxCrashed' } });
      expect(crashed.outcome.error?.message).toMatch(/code 3/);
      const after = await run(fn);
      expect(after.outcome).toMatchObject({ status: 'SUCCEEDED', coldStart: true });
    });

    it('gives the function exactly its own environment, none of the platform', async () => {
      const fn = target(
        `module.exports = async () => ({
          env: { ...process.env },
          initial: require('node:fs').readFileSync('/proc/self/environ', 'utf8').split('\\0').filter(Boolean),
        });`,
        { environment: { API_URL: 'https://example.test', MODE: 'demo' } },
      );
      const { outcome } = await run(fn);
      const value = outcome.value as { env: Record<string, string>; initial: string[] };
      expect(value.env).toEqual({ API_URL: 'https://example.test', MODE: 'demo' });
      expect(value.initial.join('\n')).not.toContain(SENTINEL);
      expect(value.initial.join('\n')).not.toMatch(/secret/);
    });

    it("exposes the version's dependencies read-only and resolves modules from them", async () => {
      // The sandbox user must reach them: a traversable data dir, a readable tree (as the builder makes it).
      chmodSync(dataDir, 0o711);
      const dependencies = join(dataDir, 'deps', 'contract');
      mkdirSync(join(dependencies, 'node_modules', 'contract-dep'), { recursive: true });
      writeFileSync(join(dependencies, 'node_modules', 'contract-dep', 'index.js'), 'module.exports = (x) => `dep says ${x}`;');
      for (const dir of [join(dataDir, 'deps'), dependencies, join(dependencies, 'node_modules'), join(dependencies, 'node_modules', 'contract-dep')])
        chmodSync(dir, 0o755);
      const fn = target(
        `module.exports = async () => {
          const fs = require('node:fs');
          let write;
          try { fs.writeFileSync(require.resolve('contract-dep'), 'tampered'); write = 'WRITTEN'; } catch (error) { write = error.code; }
          return { said: require('contract-dep')('hi'), at: require.resolve('contract-dep'), write };
        };`,
        { dependenciesDir: dependencies },
      );
      const { outcome } = await run(fn);
      expect(outcome).toMatchObject({
        status: 'SUCCEEDED',
        value: { said: 'dep says hi', at: '/opt/fngraph/deps/node_modules/contract-dep/index.js', write: expect.not.stringMatching(/WRITTEN/) },
      });
    });

    it('fails a response larger than the cap and serves the next one', async () => {
      const fn = target(`module.exports = async (event) => event.body === 'big' ? 'x'.repeat(${MAX_RESPONSE_BYTES * 2}) : 'small';`);
      const big = await run(fn, 'big');
      expect(big.outcome).toMatchObject({ status: 'FAILED', error: { type: 'ResponseTooLarge' } });
      expect((await run(fn)).outcome).toMatchObject({ status: 'SUCCEEDED', value: 'small' });
    });

    it('stops forwarding a log flood once the sink is full and still returns the result', async () => {
      // Within the default output budget (a burst of 8 MiB): capped, not killed.
      const fn = target(`module.exports = async () => {
        for (let i = 0; i < 20000; i++) console.log('flood ' + i);
        require('node:fs').writeSync(2, 'x'.repeat(1024 * 1024));
        return 'survived';
      };`);
      const { outcome, logs } = await run(fn, null, 100);
      expect(outcome).toMatchObject({ status: 'SUCCEEDED', value: 'survived' });
      expect(logs).toHaveLength(100);
    });

    it('never runs more than maxInstances sandboxes: 20 concurrent invocations on 2 instances wait or are throttled', async () => {
      const fn = target('module.exports = async () => { await new Promise((r) => setTimeout(r, 200)); return "done"; };', { maxInstances: 2 });
      let live = 0;
      let peak = 0;
      const start = driver.start.bind(driver);
      const spy = vi.spyOn(driver, 'start').mockImplementation(async (spec) => {
        peak = Math.max(peak, ++live);
        let handle: SandboxHandle;
        try {
          handle = await start(spec);
        } catch (error) {
          live--;
          throw error;
        }
        void handle.exited.then(() => live--);
        return handle;
      });
      let peakInstances = 0;
      const sampler = setInterval(() => {
        peakInstances = Math.max(peakInstances, executor.poolStats(fn.versionId)?.instances ?? 0);
      }, 5);
      try {
        const settled = await Promise.allSettled(Array.from({ length: 20 }, () => run(fn)));
        const succeeded = settled.filter((s) => s.status === 'fulfilled' && s.value.outcome.status === 'SUCCEEDED');
        const throttled = settled.filter((s) => s.status === 'rejected' && s.reason instanceof ThrottledError);
        // 2 run at once, MAX_QUEUED wait for them, the rest are turned away at once.
        expect(succeeded).toHaveLength(2 + MAX_QUEUED);
        expect(throttled).toHaveLength(20 - 2 - MAX_QUEUED);
        expect(peak).toBeLessThanOrEqual(2);
        expect(spy).toHaveBeenCalledTimes(2);
        expect(peakInstances).toBeLessThanOrEqual(2);
        expect(executor.poolStats(fn.versionId)).toMatchObject({ instances: 2, idle: 2, queued: 0 });
      } finally {
        clearInterval(sampler);
        spy.mockRestore();
      }
    });

    it('kills a sandbox flooding its raw descriptors past the output budget, and serves the next call', async () => {
      const flooded = executor.sandboxOutput().floods;
      const fn = target(`const fs = require('node:fs');
        module.exports = async (event) => {
          if (event.body !== 'flood') return 'calm';
          const line = 'x'.repeat(100) + '\\n';
          for (;;) {
            try {
              fs.writeSync(1, line);
            } catch (error) {
              if (error.code !== 'EAGAIN') throw error; // A full pipe: write again, as a busy writer does.
            }
          }
        };`);
      const { outcome, logs } = await run(fn, 'flood', 50);
      expect(outcome).toMatchObject({ status: 'FAILED', error: { type: 'OutputFlood', message: expect.stringMatching(/log flood/) } });
      expect(logs).toHaveLength(50);
      expect(executor.sandboxOutput().floods).toBe(flooded + 1);
      expect((await run(fn)).outcome).toMatchObject({ status: 'SUCCEEDED', value: 'calm', coldStart: true });
    });

    it("never gives a line printed late, after its invocation returned, to the next caller's invocation", async () => {
      // Each caller's body is printed again 50 ms after its invocation returned, while the next one runs.
      const fn = target(`module.exports = async (event) => {
        await new Promise((r) => setTimeout(r, 150));
        console.log('own ' + event.body);
        setTimeout(() => { console.log('late ' + event.body); process.stdout.write('late write ' + event.body + '\\n'); }, 50);
        return event.body;
      };`);
      const late = executor.sandboxOutput().lateLines;
      const runs: Run[] = [];
      for (let round = 0; round < 5; round++) runs.push(await run(fn, `caller-${round}`));
      runs.forEach(({ outcome, logs }, round) => {
        expect(outcome).toMatchObject({ status: 'SUCCEEDED', value: `caller-${round}` });
        for (const { message } of logs) expect(message).toMatch(new RegExp(`caller-${round}$`));
        expect(logs.map((l) => l.message)).toContain(`own caller-${round}`);
      });
      // The first caller's late lines could only have gone to the second's invocation: they were dropped.
      expect(executor.sandboxOutput().lateLines).toBeGreaterThan(late);
    });

    it("never gives a Python line printed late (a thread's) to the next caller's invocation", async () => {
      const fn = target(
        `import threading, time
def handler(event, context):
    body = event['body']
    time.sleep(0.15)
    print('own ' + body)
    threading.Timer(0.05, lambda: print('late ' + body)).start()
    return body
`,
        { runtime: 'python3.11' },
      );
      for (let round = 0; round < 4; round++) {
        const { outcome, logs } = await run(fn, `caller-${round}`);
        expect(outcome).toMatchObject({ status: 'SUCCEEDED', value: `caller-${round}` });
        // Its own late line may still come in time (a loaded machine can delay the answer past 50 ms); another caller's never.
        for (const { message } of logs) expect(message).toMatch(new RegExp(`caller-${round}$`));
        expect(logs.map((l) => l.message)).toContain(`own caller-${round}`);
      }
    });

    it('freezes an idle sandbox: work left running after returning gets no CPU until the next call', async () => {
      // The first call returns at once and leaves a timer spinning the CPU in short slices for 5 s of its own time.
      const fn = target(`module.exports = async (event) => {
        if (event.body === 'spin') {
          let slices = 0;
          const timer = setInterval(() => {
            const end = Date.now() + 10;
            while (Date.now() < end);
            if (++slices >= 500) clearInterval(timer);
          }, 0);
          return 'returned';
        }
        const { user, system } = process.cpuUsage();
        return (user + system) / 1000;
      };`);
      expect((await run(fn, 'spin')).outcome).toMatchObject({ status: 'SUCCEEDED', value: 'returned' });
      const before = await run(fn);
      await new Promise((r) => setTimeout(r, 1500));
      const after = await run(fn);
      expect(before.outcome.status).toBe('SUCCEEDED');
      expect(after.outcome.status).toBe('SUCCEEDED');
      // Running, the timer would have used most of the 1.5 s idle; frozen, only the calls' own slices count.
      const idleCpuMs = (after.outcome.value as number) - (before.outcome.value as number);
      expect(idleCpuMs).toBeLessThan(400);
    });

    describe('concurrency inside a sandbox (executionConfig.concurrency)', () => {
      /**
       * A folder the test controls, mounted read-only in the sandbox (where dependencies go):
       * a gated handler waits until the test creates `open` in it. Sandboxes have no network,
       * so a file is how the test holds invocations in flight.
       */
      function gate(): { dir: string; open: () => void } {
        chmodSync(dataDir, 0o711);
        mkdirSync(join(dataDir, 'deps'), { recursive: true, mode: 0o755 });
        chmodSync(join(dataDir, 'deps'), 0o755);
        const dir = join(dataDir, 'deps', `gate-${newId()}`);
        mkdirSync(dir, { mode: 0o755 });
        chmodSync(dir, 0o755);
        return { dir, open: () => writeFileSync(join(dir, 'open'), '', { mode: 0o644 }) };
      }

      // Interleaves its output with the other invocations in flight: whole lines, a line written in two parts around
      // the wait, and lines printed a turn apart.
      // Sandboxes have PID namespaces of their own (every pid may be the same): each knows itself by a random id.
      const GATED = `const fs = require('node:fs');
        const sandbox = require('node:crypto').randomUUID();
        const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
        module.exports = async (event) => {
          const me = event.body;
          console.log('start ' + me);
          process.stdout.write('partial ' + me);
          while (!fs.existsSync('/opt/fngraph/deps/open')) await sleep(20);
          for (let i = 0; i < 5; i++) {
            console.log('tick ' + i + ' ' + me);
            await sleep(1);
          }
          process.stdout.write(' end ' + me + '\\n');
          return { me, sandbox };
        };`;
      const gatedLines = (me: string) => [`start ${me}`, ...Array.from({ length: 5 }, (_, i) => `tick ${i} ${me}`), `partial ${me} end ${me}`];
      const started = (calls: Array<{ logs: Run['logs'] }>, names: string[]) =>
        until(() => calls.every((call, i) => call.logs.some((line) => line.message === `start ${names[i]}`)), Boolean, 20_000);

      it('runs up to N invocations at once in one sandbox, each with its own result and lines; the next waits for a slot', async () => {
        const { dir, open } = gate();
        const fn = target(GATED, { concurrency: 4, maxInstances: 1, dependenciesDir: dir });
        const names = ['a', 'b', 'c', 'd'];
        const calls = names.map((name) => launch(fn, name));
        // All four started before any could finish: they are in flight together.
        expect(await started(calls, names)).toBe(true);
        expect(executor.poolStats(fn.versionId)).toMatchObject({ instances: 1, served: 4, queued: 0 });

        let fifthDone = false;
        const fifth = launch(fn, 'e');
        void fifth.outcome.then(() => (fifthDone = true));
        expect(
          await until(
            () => executor.poolStats(fn.versionId)?.queued,
            (queued) => queued === 1,
            20_000,
          ),
        ).toBe(1);
        expect(fifthDone).toBe(false);
        expect(fifth.logs).toEqual([]);

        open();
        const outcomes = await Promise.all(calls.map((call) => call.outcome));
        const sandboxes = new Set<string>();
        outcomes.forEach((outcome, i) => {
          expect(outcome).toMatchObject({ status: 'SUCCEEDED', value: { me: names[i] } });
          sandboxes.add((outcome.value as { sandbox: string }).sandbox);
          // The process's CPU time is not one invocation's when others ran beside it.
          expect(outcome.cpuTimeMs).toBeNull();
          expect(calls[i]!.logs.map((line) => line.message)).toEqual(gatedLines(names[i]!));
        });
        expect(sandboxes.size).toBe(1);
        expect(outcomes.filter((outcome) => outcome.coldStart)).toHaveLength(1);

        const last = await fifth.outcome;
        expect(last).toMatchObject({ status: 'SUCCEEDED', value: { me: 'e', sandbox: [...sandboxes][0] }, coldStart: false });
        expect(fifth.logs.map((line) => line.message)).toEqual(gatedLines('e'));
        expect(executor.poolStats(fn.versionId)).toMatchObject({ instances: 1, served: 0, queued: 0 });
      });

      it('keeps one invocation per sandbox at concurrency 1: a second call gets another sandbox, a third waits', async () => {
        const { dir, open } = gate();
        const fn = target(GATED, { concurrency: 1, maxInstances: 2, dependenciesDir: dir });
        const calls = [launch(fn, 'a'), launch(fn, 'b')];
        expect(await started(calls, ['a', 'b'])).toBe(true);
        const third = launch(fn, 'c');
        expect(
          await until(
            () => executor.poolStats(fn.versionId)?.queued,
            (queued) => queued === 1,
            20_000,
          ),
        ).toBe(1);
        expect(executor.poolStats(fn.versionId)).toMatchObject({ instances: 2, served: 2 });
        open();
        const [a, b, c] = await Promise.all([...calls, third].map((call) => call.outcome));
        const sandboxOf = (outcome: ExecutionOutcome | undefined) => (outcome?.value as { sandbox: string }).sandbox;
        expect(sandboxOf(a)).not.toBe(sandboxOf(b));
        expect([sandboxOf(a), sandboxOf(b)]).toContain(sandboxOf(c));
        for (const outcome of [a, b, c]) expect(outcome?.cpuTimeMs).toBeGreaterThanOrEqual(0);
        expect(third.logs.map((line) => line.message)).toEqual(gatedLines('c'));
      });

      // Every invocation waits until all of them are in the sandbox: they only get past it together.
      const barrier = (count: number) => `const sandbox = require('node:crypto').randomUUID();
        const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
        const arrive = async () => {
          globalThis.arrived = (globalThis.arrived || 0) + 1;
          while (globalThis.arrived < ${count}) await sleep(10);
        };`;

      it('fails only the invocation that throws among several in flight, and keeps the sandbox', async () => {
        const fn = target(
          `${barrier(3)}
          module.exports = async (event) => {
            await arrive();
            console.log('past the barrier ' + event.body);
            if (event.body === 'throw') throw new TypeError('only mine');
            return { me: event.body, sandbox };
          };`,
          { concurrency: 3, maxInstances: 1 },
        );
        const [ok1, thrown, ok2] = await Promise.all(['one', 'throw', 'two'].map((body) => run(fn, body)));
        expect(thrown.outcome).toMatchObject({ status: 'FAILED', error: { type: 'TypeError', message: 'only mine' } });
        expect(thrown.logs.map((line) => line.message)).toEqual(['past the barrier throw']);
        expect(ok1.outcome).toMatchObject({ status: 'SUCCEEDED', value: { me: 'one' } });
        expect(ok2.outcome).toMatchObject({ status: 'SUCCEEDED', value: { me: 'two' } });
        const { sandbox } = ok1.outcome.value as { sandbox: string };
        expect((ok2.outcome.value as { sandbox: string }).sandbox).toBe(sandbox);
        expect((await run(fn, 'after')).outcome).toMatchObject({ status: 'SUCCEEDED', value: { me: 'after', sandbox }, coldStart: false });
      });

      it('fails every invocation in flight when their sandbox exits, each with its own record, and serves the next call fresh', async () => {
        const fn = target(
          `${barrier(3)}
          module.exports = async (event) => {
            if (event.body === 'fine') return sandbox;
            await arrive();
            console.log('sandbox ' + sandbox);
            if (event.body === 'exit') {
              await sleep(50);
              process.exit(3);
            }
            await new Promise(() => undefined);
          };`,
          { concurrency: 3, maxInstances: 1 },
        );
        const runs = await Promise.all(['wait-1', 'exit', 'wait-2'].map((body) => run(fn, body)));
        for (const { outcome } of runs) {
          expect(outcome).toMatchObject({ status: 'FAILED', error: { type: 'SandboxCrashed', message: expect.stringMatching(/code 3/) } });
        }
        const crashed = runs[1]!.logs.find((line) => line.message.startsWith('sandbox '))?.message.slice('sandbox '.length);
        expect(crashed).toBeTruthy();
        const next = await run(fn, 'fine');
        expect(next.outcome).toMatchObject({ status: 'SUCCEEDED', coldStart: true });
        expect(next.outcome.value).not.toBe(crashed);
      });

      it('fails a response larger than the cap as its own, and the invocation beside it as killed with the sandbox', async () => {
        const fn = target(
          `${barrier(2)}
          module.exports = async (event) => {
            await arrive();
            if (event.body === 'big') return 'x'.repeat(${MAX_RESPONSE_BYTES * 2});
            await new Promise(() => undefined);
          };`,
          { concurrency: 2, maxInstances: 1 },
        );
        const big = launch(fn, 'big');
        const bystander = launch(fn, 'bystander');
        expect(await big.outcome).toMatchObject({ status: 'FAILED', error: { type: 'ResponseTooLarge' } });
        expect(await bystander.outcome).toMatchObject({
          status: 'FAILED',
          error: { type: 'SandboxCrashed', message: expect.stringMatching(/sent more than \d+ bytes/) },
        });
      });

      it('kills the sandbox when one invocation times out: the others in it fail, saying why', async () => {
        const fn = target(
          `${barrier(2)}
          module.exports = async (event) => {
            if (event.body === 'fine') return 'fine';
            console.log('start ' + event.body);
            await arrive();
            if (event.body === 'loop') for (;;);
            await new Promise(() => undefined);
          };`,
          { concurrency: 2, maxInstances: 1, timeoutMs: 1500 },
        );
        // The looping one starts first, so its deadline is the first to pass.
        const looping = launch(fn, 'loop');
        expect(await started([looping], ['loop'])).toBe(true);
        const waiting = launch(fn, 'wait');
        const outcomes = await Promise.all([looping.outcome, waiting.outcome]);
        expect(outcomes.map((outcome) => outcome.status)).toContain('TIMED_OUT');
        for (const outcome of outcomes) {
          if (outcome.status === 'TIMED_OUT') continue;
          // Unless its own deadline passed too on a slow machine, the other one says what killed the sandbox.
          expect(outcome).toMatchObject({ status: 'FAILED', error: { type: 'SandboxCrashed', message: expect.stringMatching(/exceeded its 1.5 s timeout/) } });
        }
        expect((await run(fn, 'fine')).outcome).toMatchObject({ status: 'SUCCEEDED', value: 'fine', coldStart: true });
      });
    });
  });
}
