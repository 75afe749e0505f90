import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import { ExecutorService } from '@/modules/executor/executor.service.js';
import { IdempotencyKeys } from './idempotency-keys.js';
import { InvocationLogsService } from './invocation-logs.service.js';
import type { InvocationRecord } from './invocation.record.js';
import { InvocationRepository } from './invocation.repository.js';
import { InvocationRunner } from './invocation-runner.js';
import { NodeRegistry } from './node-registry.js';

/** Orphans ended per sweep: a large backlog is worked off over a few heartbeats. */
const SWEEP_BATCH = 200;

/**
 * Every node heartbeats into the store and sweeps: invocations left unfinished by a node
 * not heard from for `nodeTimeoutSeconds` are ended. A call a client was waiting for ends
 * FAILED with `NODE_LOST` (its client lost the connection with the node); a queued one is
 * left to the queue, whose lease delivers it again. Safe on any number of nodes: each end
 * is a conditional update (only a still-unfinished record changes), so two sweepers, or a
 * late answer from a node presumed dead, cannot both win. Subscribers get the final event.
 */
@Injectable()
export class NodeSweeper implements OnApplicationBootstrap {
  private readonly logger = new Logger(NodeSweeper.name);
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;

  constructor(
    private readonly nodes: NodeRegistry,
    private readonly idempotencyKeys: IdempotencyKeys,
    private readonly invocations: InvocationRepository,
    private readonly runner: InvocationRunner,
    private readonly logs: InvocationLogsService,
    private readonly executor: ExecutorService,
    private readonly config: AppConfig,
    private readonly errors: UnexpectedErrors,
  ) {}

  /** The first heartbeat before the node takes traffic: its work is never mistaken for a dead node's. */
  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.tick(), this.config.delivery.heartbeatSeconds * 1000);
    this.timer.unref();
  }

  /** Shutdown: the node leaves the registry once its work is done (it is not waited for, nor swept). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.beating;
    await this.nodes.remove(this.config.nodeId).catch(() => undefined);
  }

  /** One heartbeat and one sweep; also what tests call to sweep at once. */
  async tick(): Promise<void> {
    if (this.beating) return;
    this.beating = this.beat()
      .then(() => this.sweep())
      // On the same beat, cheaply (an indexed delete): keys past their window.
      .then(async () => void (await this.idempotencyKeys.deleteExpired(new Date())))
      .catch((error: unknown) => this.errors.report(error, { source: 'storage', where: 'node heartbeat and sweep' }))
      .finally(() => (this.beating = null));
    await this.beating;
  }

  private beat(): Promise<void> {
    return this.nodes.heartbeat(this.config.nodeId, this.config.delivery.role, new Date());
  }

  private async sweep(): Promise<void> {
    const deadline = new Date(Date.now() - this.config.delivery.nodeTimeoutSeconds * 1000);
    const live = await this.nodes.liveNodeIds(deadline);
    const orphans = await this.invocations.findOrphaned(live, deadline, SWEEP_BATCH);
    let ended = 0;
    for (const orphan of orphans) if (await this.endLost(orphan)) ended++;
    if (ended > 0) this.logger.warn(`Ended ${ended} invocation(s) of node(s) that stopped answering (NODE_LOST)`);
    // A dead node stays listed until its work is ended and its sandboxes removed.
    if (orphans.length === SWEEP_BATCH) return;
    const dead = await this.nodes.deadNodeIds(deadline);
    if (dead.length === 0) return;
    await this.executor.removeOrphanedSandboxes(dead);
    for (const nodeId of dead) await this.nodes.remove(nodeId);
  }

  private async endLost(orphan: InvocationRecord): Promise<boolean> {
    const lost: InvocationRecord = {
      ...orphan,
      status: 'FAILED',
      error: { type: 'NODE_LOST', message: `Node ${orphan.nodeId ?? '?'} stopped answering while it ran this invocation` },
      finishedAt: new Date(),
    };
    if (!(await this.invocations.transition(lost, ['RUNNING']))) return false;
    this.runner.announce(lost);
    this.logs.endRemotely(lost.id, lost.logs.length);
    return true;
  }
}
