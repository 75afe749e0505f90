import { Injectable, Logger } from '@nestjs/common';
import { EventBus } from '@/kernel/events/event-bus.js';
import { type Actor, systemActor } from '@/kernel/identity/principal.js';
import type { AliasRecord } from '@/modules/aliases/alias.record.js';
import { AliasesService } from '@/modules/aliases/aliases.service.js';
import type { AuditAction, AuditDetails } from '@/modules/audit/audit.record.js';
import { AuditService } from '@/modules/audit/audit.service.js';
import type { InvocationWindowStats } from '@/modules/invocations/invocation.record.js';
import { canaryChannelKey, canaryUpdatedChannel } from './canary.channels.js';
import type { CanaryAction, CanaryDecisionRecord, CanaryRecord } from './canary.record.js';
import { CanaryRepository } from './canary.repository.js';
import { canaryRoutes } from './canary-routes.js';

/** Who moves canary aliases: alias changes by anyone else during a canary are hand edits. */
export const CANARY_ACTOR = systemActor('canary');

const AUDIT_ACTIONS: Record<Exclude<CanaryAction, 'START'>, AuditAction> = {
  ADVANCE: 'canary.advance',
  PROMOTE: 'canary.promote',
  ROLLBACK: 'canary.rollback',
  ABORT: 'canary.abort',
};

/**
 * Makes one decision of a canary take effect, in the order that keeps it exactly-once and
 * recoverable: store it over the revision it was made from (the claim: of nodes deciding
 * the same step, one succeeds), then move the alias, then audit and announce. A node dying
 * after the store leaves the alias behind; whichever node looks next sees the alias lag
 * (set by the canary, not as the canary says) and moves it.
 */
@Injectable()
export class CanaryDecisions {
  private readonly logger = new Logger(CanaryDecisions.name);

  constructor(
    private readonly canaries: CanaryRepository,
    private readonly aliases: AliasesService,
    private readonly audit: AuditService,
    private readonly events: EventBus,
  ) {}

  /**
   * Applies `decision` to `canary` (as read, at its revision); null when another change got
   * there first. `moveAlias: false` leaves the alias as it is (someone else changed it).
   */
  async decide(
    canary: CanaryRecord,
    change: Partial<CanaryRecord>,
    decision: Omit<CanaryDecisionRecord, 'at' | 'step' | 'weight'>,
    options: { actor?: Actor; moveAlias?: boolean } = {},
  ): Promise<CanaryRecord | null> {
    const at = new Date();
    const next: CanaryRecord = { ...canary, ...change, revision: canary.revision + 1 };
    if (next.status !== 'RUNNING') next.finishedAt = at;
    next.decisions = [...canary.decisions, { ...decision, at, step: canary.stepIndex, weight: next.weight }];
    if (!(await this.canaries.update(next))) return null;
    if (options.moveAlias !== false) await this.moveAlias(next);
    if (decision.action !== 'START') {
      await this.audit.record(
        options.actor ?? CANARY_ACTOR,
        AUDIT_ACTIONS[decision.action],
        { targetType: 'function', targetId: next.functionId },
        auditDetails(next, decision),
      );
    }
    await this.announce(next);
    return next;
  }

  /** The canary's alias as stored now (not as this node's cache last heard of it); null once deleted. */
  async storedAlias(canary: Pick<CanaryRecord, 'functionId' | 'alias'>): Promise<AliasRecord | null> {
    const aliases = await this.aliases.listByFunctionIds([canary.functionId]);
    return aliases.find((alias) => alias.functionId === canary.functionId && alias.name === canary.alias) ?? null;
  }

  /** Points the alias where the canary says (keeping its shadow). */
  async moveAlias(canary: CanaryRecord): Promise<void> {
    const alias = await this.storedAlias(canary);
    await this.aliases.set(CANARY_ACTOR, { functionId: canary.functionId, name: canary.alias, routes: canaryRoutes(canary), shadow: alias?.shadow ?? null });
  }

  async announce(canary: CanaryRecord): Promise<void> {
    try {
      await this.events.publish(canaryUpdatedChannel(canaryChannelKey(canary.functionId, canary.alias)), { canaryId: canary.id, revision: canary.revision });
    } catch (error) {
      // Subscribers miss one update; the stored canary has it.
      this.logger.warn(`Could not announce canary ${canary.id}: ${(error as Error).message}`);
    }
  }
}

/** The audit entry's details: flat facts, the figures the decision was made on included. */
export function auditDetails(canary: CanaryRecord, decision: Pick<CanaryDecisionRecord, 'reason' | 'stable' | 'candidate'>): AuditDetails {
  return {
    canary: canary.id,
    alias: canary.alias,
    stableVersion: canary.stableVersion,
    candidateVersion: canary.candidateVersion,
    status: canary.status,
    step: canary.stepIndex,
    weight: canary.weight,
    reason: decision.reason,
    ...statsDetails('stable', decision.stable),
    ...statsDetails('candidate', decision.candidate),
  };
}

function statsDetails(prefix: string, stats: InvocationWindowStats | null): AuditDetails {
  if (!stats) return {};
  return { [`${prefix}Count`]: stats.count, [`${prefix}Errors`]: stats.errors, [`${prefix}P99Ms`]: stats.p99DurationMs };
}
