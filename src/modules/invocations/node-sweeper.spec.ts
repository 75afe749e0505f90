import { Logger } from '@nestjs/common';
import { afterEach, beforeEach, describe, expect, it, type Mocked, vi } from 'vitest';
import { AppConfig } from '@/kernel/config/app-config.js';
import { ExecutorService } from '@/modules/executor/executor.service.js';
import { automock } from '../../../test/support/automock.js';
import { RecordedErrors } from '../../../test/support/recorded-errors.js';
import { IdempotencyKeys } from './idempotency-keys.js';
import { InvocationLogsService } from './invocation-logs.service.js';
import type { InvocationRecord } from './invocation.record.js';
import { InvocationRepository } from './invocation.repository.js';
import { InvocationRunner } from './invocation-runner.js';
import { NodeRegistry } from './node-registry.js';
import { NodeSweeper } from './node-sweeper.js';

const config = AppConfig.fromEnvironment({
  NODE_ENV: 'test',
  FNGRAPH_NODE_ID: 'node-a',
  FNGRAPH_NODE_HEARTBEAT_SECONDS: '5',
  FNGRAPH_NODE_TIMEOUT_SECONDS: '30',
});

const NOW = new Date('2030-01-01T12:00:00Z');
/** Nodes not heard from since this are dead. */
const DEADLINE = new Date(NOW.getTime() - 30_000);

function orphan(id: string, overrides: Partial<InvocationRecord> = {}): InvocationRecord {
  const line = (seq: number) => ({ seq, timestamp: new Date(0), stream: 'stdout' as const, message: `line ${seq}` });
  return {
    id,
    functionId: 'f-1',
    functionName: 'greet',
    status: 'RUNNING',
    nodeId: 'node-dead',
    queued: false,
    error: null,
    logs: [line(1), line(2)],
    startedAt: new Date(0),
    finishedAt: null,
    ...overrides,
  } as InvocationRecord;
}

describe(NodeSweeper.name, () => {
  let sut: NodeSweeper;
  let nodes: Mocked<NodeRegistry>;
  let keys: Mocked<IdempotencyKeys>;
  let invocations: Mocked<InvocationRepository>;
  let runner: Mocked<InvocationRunner>;
  let logs: Mocked<InvocationLogsService>;
  let executor: Mocked<ExecutorService>;
  let errors: RecordedErrors;
  let warn: ReturnType<typeof vi.spyOn>;

  beforeEach(() => {
    vi.useFakeTimers({ now: NOW, toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date'] });
    nodes = automock(NodeRegistry, { methods: ['heartbeat', 'liveNodeIds', 'deadNodeIds', 'remove'] });
    keys = automock(IdempotencyKeys, { methods: ['claim', 'release', 'deleteExpired'] });
    invocations = automock(InvocationRepository, {
      methods: ['insertAll', 'updateAll', 'transition', 'findById', 'findByIds', 'list', 'latestByFunctionIds', 'probeWrite', 'findOrphaned'],
    });
    runner = automock(InvocationRunner);
    logs = automock(InvocationLogsService);
    executor = automock(ExecutorService);
    errors = new RecordedErrors();
    sut = new NodeSweeper(nodes, keys, invocations, runner, logs, executor, config, errors);
    warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  /** A store where this node and node-b are alive and nothing is left to sweep. */
  function quiet(): void {
    nodes.heartbeat.mockResolvedValue();
    nodes.liveNodeIds.mockResolvedValue(['node-a', 'node-b']);
    invocations.findOrphaned.mockResolvedValue([]);
    nodes.deadNodeIds.mockResolvedValue([]);
    keys.deleteExpired.mockResolvedValue(0);
  }

  describe('a tick', () => {
    it('heartbeats, then looks for what nodes silent past the timeout left running', async () => {
      quiet();

      await sut.tick();

      expect(nodes.heartbeat).toHaveBeenCalledWith('node-a', 'all', NOW);
      expect(nodes.liveNodeIds).toHaveBeenCalledWith(DEADLINE);
      expect(invocations.findOrphaned).toHaveBeenCalledWith(['node-a', 'node-b'], DEADLINE, 200);
      expect(nodes.heartbeat.mock.invocationCallOrder[0]).toBeLessThan(nodes.liveNodeIds.mock.invocationCallOrder[0]!);
      expect(keys.deleteExpired).toHaveBeenCalledWith(NOW);
      expect(warn).not.toHaveBeenCalled();
    });

    it('ends each orphan FAILED NODE_LOST with a conditional transition, then announces it and ends its live log', async () => {
      quiet();
      const first = orphan('i-1');
      const second = orphan('i-2', { nodeId: 'node-gone', logs: [] });
      invocations.findOrphaned.mockResolvedValue([first, second]);
      invocations.transition.mockResolvedValue(true);
      runner.announce.mockReturnValue();
      logs.endRemotely.mockReturnValue();

      await sut.tick();

      const lost = invocations.transition.mock.calls.map(([record]) => record);
      expect(lost).toEqual([
        {
          ...first,
          status: 'FAILED',
          error: { type: 'NODE_LOST', message: 'Node node-dead stopped answering while it ran this invocation' },
          finishedAt: NOW,
        },
        expect.objectContaining({
          id: 'i-2',
          status: 'FAILED',
          error: expect.objectContaining({ type: 'NODE_LOST', message: expect.stringContaining('node-gone') }),
        }),
      ]);
      // Only a record still RUNNING changes: a late answer from the node, or another sweeper, cannot both win.
      expect(invocations.transition.mock.calls.map(([, from]) => from)).toEqual([['RUNNING'], ['RUNNING']]);
      expect(runner.announce.mock.calls).toEqual([[lost[0]], [lost[1]]]);
      // The live stream ends after the last stored line.
      expect(logs.endRemotely.mock.calls).toEqual([
        ['i-1', 2],
        ['i-2', 0],
      ]);
      expect(invocations.transition.mock.invocationCallOrder[0]).toBeLessThan(runner.announce.mock.invocationCallOrder[0]!);
      expect(warn).toHaveBeenCalledWith('Ended 2 invocation(s) of node(s) that stopped answering (NODE_LOST)');
    });

    it('publishes nothing for an orphan whose transition did not happen (it ended meanwhile, or another sweeper ended it)', async () => {
      quiet();
      invocations.findOrphaned.mockResolvedValue([orphan('i-1'), orphan('i-2'), orphan('i-3')]);
      invocations.transition.mockResolvedValueOnce(false).mockResolvedValueOnce(true).mockResolvedValueOnce(false);
      runner.announce.mockReturnValue();
      logs.endRemotely.mockReturnValue();

      await sut.tick();

      expect(invocations.transition).toHaveBeenCalledTimes(3);
      expect(runner.announce).toHaveBeenCalledTimes(1);
      expect(runner.announce).toHaveBeenCalledWith(expect.objectContaining({ id: 'i-2' }));
      expect(logs.endRemotely.mock.calls).toEqual([['i-2', 2]]);
      expect(warn).toHaveBeenCalledWith('Ended 1 invocation(s) of node(s) that stopped answering (NODE_LOST)');
    });

    it('says nothing when no transition happened', async () => {
      quiet();
      invocations.findOrphaned.mockResolvedValue([orphan('i-1')]);
      invocations.transition.mockResolvedValue(false);

      await sut.tick();

      // Strict mocks: neither announced nor its log ended.
      expect(warn).not.toHaveBeenCalled();
    });

    it('removes dead nodes’ sandboxes, then the dead nodes, once their work is ended', async () => {
      quiet();
      invocations.findOrphaned.mockResolvedValue([orphan('i-1')]);
      invocations.transition.mockResolvedValue(true);
      runner.announce.mockReturnValue();
      logs.endRemotely.mockReturnValue();
      nodes.deadNodeIds.mockResolvedValue(['node-dead', 'node-gone']);
      executor.removeOrphanedSandboxes.mockResolvedValue(3);
      nodes.remove.mockResolvedValue();

      await sut.tick();

      expect(nodes.deadNodeIds).toHaveBeenCalledWith(DEADLINE);
      expect(executor.removeOrphanedSandboxes).toHaveBeenCalledWith(['node-dead', 'node-gone']);
      expect(nodes.remove.mock.calls).toEqual([['node-dead'], ['node-gone']]);
      expect(invocations.transition.mock.invocationCallOrder[0]).toBeLessThan(nodes.deadNodeIds.mock.invocationCallOrder[0]!);
      expect(executor.removeOrphanedSandboxes.mock.invocationCallOrder[0]).toBeLessThan(nodes.remove.mock.invocationCallOrder[0]!);
    });

    it('keeps dead nodes listed while a full batch of orphans may leave more to end', async () => {
      quiet();
      invocations.findOrphaned.mockResolvedValue(Array.from({ length: 200 }, (_, i) => orphan(`i-${i}`)));
      invocations.transition.mockResolvedValue(true);
      runner.announce.mockReturnValue();
      logs.endRemotely.mockReturnValue();

      await sut.tick();

      expect(invocations.transition).toHaveBeenCalledTimes(200);
      expect(nodes.deadNodeIds).not.toHaveBeenCalled();
      // Strict mocks: no sandbox nor node was removed.
      expect(keys.deleteExpired).toHaveBeenCalledTimes(1);
    });

    it('removes no sandbox when no node is dead', async () => {
      quiet();

      await sut.tick();

      expect(nodes.deadNodeIds).toHaveBeenCalledTimes(1);
      expect(executor.removeOrphanedSandboxes).not.toHaveBeenCalled();
    });

    it('reports a storage failure and goes on with the next tick', async () => {
      quiet();
      const failure = new Error('storage down');
      nodes.liveNodeIds.mockRejectedValueOnce(failure);

      await expect(sut.tick()).resolves.toBeUndefined();
      expect(errors.reports).toEqual([{ error: failure, report: { source: 'storage', where: 'node heartbeat and sweep' } }]);
      expect(keys.deleteExpired).not.toHaveBeenCalled();

      await sut.tick();
      expect(keys.deleteExpired).toHaveBeenCalledTimes(1);
    });

    it('does not overlap: a tick while one runs does nothing', async () => {
      quiet();
      let beat!: () => void;
      nodes.heartbeat.mockReturnValueOnce(new Promise<void>((resolve) => (beat = resolve)));

      const first = sut.tick();
      await sut.tick();
      beat();
      await first;

      expect(nodes.heartbeat).toHaveBeenCalledTimes(1);
      expect(invocations.findOrphaned).toHaveBeenCalledTimes(1);
    });
  });

  describe('lifecycle', () => {
    it('heartbeats before the node takes traffic, then ticks every heartbeatSeconds', async () => {
      quiet();

      await sut.onApplicationBootstrap();
      expect(nodes.heartbeat).toHaveBeenCalledTimes(1);
      // Only a heartbeat at start: no sweep yet.
      expect(nodes.liveNodeIds).not.toHaveBeenCalled();

      await vi.advanceTimersByTimeAsync(4_999);
      expect(nodes.heartbeat).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(nodes.heartbeat).toHaveBeenCalledTimes(2);
      expect(nodes.liveNodeIds).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(5_000);
      expect(nodes.heartbeat).toHaveBeenCalledTimes(3);
    });

    it('on stop, ticks no more, waits for the tick under way and leaves the registry', async () => {
      quiet();
      await sut.onApplicationBootstrap();
      let beat!: () => void;
      nodes.heartbeat.mockReturnValueOnce(new Promise<void>((resolve) => (beat = resolve)));
      await vi.advanceTimersByTimeAsync(5_000);
      nodes.remove.mockResolvedValue();

      let stopped = false;
      const stopping = sut.stop().then(() => (stopped = true));
      await vi.advanceTimersByTimeAsync(0);
      expect(stopped).toBe(false);
      expect(nodes.remove).not.toHaveBeenCalled();

      beat();
      await stopping;
      expect(nodes.remove).toHaveBeenCalledWith('node-a');
      expect(nodes.remove.mock.invocationCallOrder[0]).toBeGreaterThan(invocations.findOrphaned.mock.invocationCallOrder[0]!);

      await vi.advanceTimersByTimeAsync(60_000);
      expect(nodes.heartbeat).toHaveBeenCalledTimes(2);
    });

    it('stops quietly when the registry cannot be told', async () => {
      nodes.remove.mockRejectedValue(new Error('storage down'));

      await expect(sut.stop()).resolves.toBeUndefined();
    });
  });
});
