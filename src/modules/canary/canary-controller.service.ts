import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import { FunctionsService } from '@/modules/functions/functions.service.js';
import { InvocationRepository } from '@/modules/invocations/invocation.repository.js';
import type { CanaryRecord } from './canary.record.js';
import { CanaryRepository } from './canary.repository.js';
import { CANARY_ACTOR, CanaryDecisions } from './canary-decisions.js';
import { canaryRoutes, sameRoutes } from './canary-routes.js';
import { judgeStep } from './canary-verdict.js';

/**
 * Drives the running canaries, on every node: every `FNGRAPH_CANARY_CHECK_INTERVAL_MS` it
 * reads them from storage and, for each, (1) aborts it when someone else changed its alias,
 * (2) once its step has lasted `stepSeconds`, judges the step's invocation records and
 * advances, promotes or rolls back. Nodes may look at the same canary at once: a decision is
 * stored only over the revision it was made from, so exactly one of them makes each one.
 * Nothing lives only in memory: a restarted node (or another) carries on from storage.
 */
@Injectable()
export class CanaryControllerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CanaryControllerService.name);
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly canaries: CanaryRepository,
    private readonly decisions: CanaryDecisions,
    private readonly invocations: InvocationRepository,
    private readonly functions: FunctionsService,
    private readonly config: AppConfig,
    private readonly errors: UnexpectedErrors,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.check(), this.config.canary.checkIntervalMs).unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.pass;
  }

  /** One look at every running canary (a pass still under way is not doubled). */
  check(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.pass ??= this.checkAll().finally(() => (this.pass = null));
    return this.pass;
  }

  private async checkAll(): Promise<void> {
    let running: CanaryRecord[];
    try {
      running = await this.canaries.listRunning();
    } catch (error) {
      this.logger.warn(`Could not read the running canaries: ${(error as Error).message}`);
      return;
    }
    for (const canary of running) {
      if (this.stopped) return;
      try {
        await this.drive(canary);
      } catch (error) {
        this.errors.report(error, { source: 'background', where: `driving canary ${canary.id} of ${canary.functionId}/${canary.alias}` });
      }
    }
  }

  private async drive(listed: CanaryRecord): Promise<void> {
    // The alias first, then the canary: a canary decision is stored before its alias moves,
    // so the canary read second is never older than the alias state seen. Both from storage:
    // this node's alias cache may not have heard of another node's change yet.
    const alias = await this.decisions.storedAlias(listed);
    const canary = await this.canaries.findById(listed.id);
    if (!canary || canary.status !== 'RUNNING') return;
    if ((await this.functions.getById(canary.functionId)).deletedAt) {
      // Its aliases stay readable for history, but nothing can be routed or moved any more.
      await this.abortWithoutMove(canary, 'the function was deleted during the canary');
      return;
    }
    if (!alias) {
      await this.abortWithoutMove(canary, `alias ${canary.alias} was deleted during the canary`);
      return;
    }
    if (alias.updatedBy !== CANARY_ACTOR.principal.subject) {
      // Last set before the canary began: its start has not moved it yet (or died before it did).
      if (alias.updatedAt.getTime() < canary.startedAt.getTime()) {
        await this.decisions.moveAlias(canary);
        return;
      }
      const reason = `alias ${canary.alias} was changed by ${alias.updatedBy ?? 'the platform'} during the canary`;
      await this.decisions.decide(
        canary,
        { status: 'ABORTED', weight: 0, reason },
        { action: 'ABORT', reason, stable: null, candidate: null },
        { moveAlias: false },
      );
      return;
    }
    // Set by the canary but not as it says now: a node died between a decision and the alias move.
    if (!sameRoutes(alias.routes, canaryRoutes(canary))) await this.decisions.moveAlias(canary);

    const now = new Date();
    const stepMs = canary.stepSeconds * 1000;
    const elapsedMs = now.getTime() - canary.stepStartedAt.getTime();
    if (elapsedMs < stepMs) return;
    const of = { functionId: canary.functionId, alias: canary.alias, until: now };
    const candidate = await this.invocations.versionWindowStats({ ...of, version: canary.candidateVersion, since: canary.stepStartedAt });
    let stable = await this.invocations.versionWindowStats({ ...of, version: canary.stableVersion, since: canary.stepStartedAt });
    // At 100% the stable version gets no calls in the step: compare with all it had since the start.
    if (stable.count === 0) stable = await this.invocations.versionWindowStats({ ...of, version: canary.stableVersion, since: canary.startedAt });
    const thresholds = {
      minInvocations: canary.minInvocations,
      maxErrorRateIncrease: canary.maxErrorRateIncrease,
      maxP99Ratio: canary.maxP99Ratio,
      p99NoiseFloorMs: this.config.canary.p99NoiseFloorMs,
    };
    const verdict = judgeStep(stable, candidate, thresholds, elapsedMs / stepMs);
    if (verdict.kind === 'wait') return;
    const figures = { stable, candidate };
    if (verdict.kind === 'fail') {
      await this.decisions.decide(
        canary,
        { status: 'ROLLED_BACK', weight: 0, reason: verdict.reason },
        { action: 'ROLLBACK', reason: verdict.reason, ...figures },
      );
    } else if (canary.stepIndex + 1 >= canary.steps.length) {
      await this.decisions.decide(canary, { status: 'PROMOTED', weight: 100 }, { action: 'PROMOTE', reason: verdict.reason, ...figures });
    } else {
      const stepIndex = canary.stepIndex + 1;
      await this.decisions.decide(
        canary,
        { stepIndex, weight: canary.steps[stepIndex]!, stepStartedAt: now },
        { action: 'ADVANCE', reason: verdict.reason, ...figures },
      );
    }
  }

  /** Ends a canary whose function or alias went away: nothing is left to route, so the alias is not moved. */
  private async abortWithoutMove(canary: CanaryRecord, reason: string): Promise<void> {
    await this.decisions.decide(
      canary,
      { status: 'ABORTED', weight: 0, reason },
      { action: 'ABORT', reason, stable: null, candidate: null },
      { moveAlias: false },
    );
  }
}
