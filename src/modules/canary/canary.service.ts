import { Injectable } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import { ConflictError, NotFoundError, ValidationError } from '@/kernel/errors/domain-error.js';
import { type Actor, isAdmin, type Principal } from '@/kernel/identity/principal.js';
import { newId } from '@/kernel/ids/new-id.js';
import { assertSafeKeys } from '@/kernel/validation/safe-keys.js';
import { parseOrThrow } from '@/kernel/validation/zod-errors.js';
import { AuditService } from '@/modules/audit/audit.service.js';
import { FunctionAccessPolicy } from '@/modules/functions/function-access.policy.js';
import { FunctionsService } from '@/modules/functions/functions.service.js';
import { VersionsService } from '@/modules/versions/versions.service.js';
import type { CanaryRecord } from './canary.record.js';
import { CanaryRepository } from './canary.repository.js';
import { auditDetails, CanaryDecisions } from './canary-decisions.js';
import { startCanarySchema } from './canary-rules.js';

/** A change that lost its claim to another (a decision of the controller) is tried again this many times. */
const ABORT_ATTEMPTS = 5;

/** Canary releases as operators see them: start, abort, and read (the controller drives them). */
@Injectable()
export class CanaryService {
  constructor(
    private readonly canaries: CanaryRepository,
    private readonly decisions: CanaryDecisions,
    private readonly functions: FunctionsService,
    private readonly versions: VersionsService,
    private readonly policy: FunctionAccessPolicy,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Starts moving `alias` from the one version it points at to `candidateVersion` (whoever
   * may manage the function): the alias takes the first step's weights at once.
   */
  async start(actor: Actor, input: unknown): Promise<CanaryRecord> {
    assertSafeKeys(input);
    const valid = parseOrThrow(startCanarySchema(this.config.canary.minStepSeconds), input, 'canary');
    const fn = await this.functions.getActive(valid.functionId);
    this.policy.assertCanManage(actor.principal, fn, valid.functionId);
    if ((await this.canaries.latest(fn.id, valid.alias))?.status === 'RUNNING') throw this.alreadyRunning(valid.alias, fn.name);
    const alias = await this.decisions.storedAlias({ functionId: fn.id, alias: valid.alias });
    if (!alias) throw new ValidationError(`${fn.name} has no alias ${valid.alias}`, [{ field: 'alias', message: `${fn.name} has no alias ${valid.alias}` }]);
    if (alias.routes.length !== 1) {
      const message = `alias ${valid.alias} splits its calls between ${alias.routes.map((r) => `${r.version} (${r.weight}%)`).join(' and ')}; a canary starts from one stable version`;
      throw new ValidationError(message, [{ field: 'alias', message }]);
    }
    const stableVersion = alias.routes[0]!.version;
    await this.assertCandidate(fn.id, fn.name, stableVersion, valid.candidateVersion);

    const now = new Date();
    const weight = valid.steps[0]!;
    const canary: CanaryRecord = {
      id: newId(),
      functionId: fn.id,
      alias: valid.alias,
      stableVersion,
      candidateVersion: valid.candidateVersion,
      status: 'RUNNING',
      steps: valid.steps,
      stepIndex: 0,
      weight,
      stepSeconds: valid.stepSeconds,
      minInvocations: valid.minInvocations,
      maxErrorRateIncrease: valid.maxErrorRateIncrease,
      maxP99Ratio: valid.maxP99Ratio,
      startedAt: now,
      stepStartedAt: now,
      finishedAt: null,
      reason: null,
      startedBy: actor.principal.subject,
      decisions: [{ at: now, step: 0, weight, action: 'START', reason: `started by ${actor.principal.subject ?? 'anonymous'}`, stable: null, candidate: null }],
      revision: 1,
    };
    // Checked above for a clear answer; the store settles a race between two starts.
    if (!(await this.canaries.insert(canary))) throw this.alreadyRunning(valid.alias, fn.name);
    try {
      await this.decisions.moveAlias(canary);
    } catch (error) {
      // The alias could not move: the canary never began.
      await this.decisions.decide(
        canary,
        { status: 'ABORTED', weight: 0, reason: `the alias could not be set: ${(error as Error).message}` },
        { action: 'ABORT', reason: 'the alias could not be set', stable: null, candidate: null },
        { moveAlias: false },
      );
      throw error;
    }
    await this.audit.record(
      actor,
      'canary.start',
      { targetType: 'function', targetId: fn.id },
      { ...auditDetails(canary, canary.decisions[0]!), function: fn.name },
    );
    await this.decisions.announce(canary);
    return canary;
  }

  /** Stops the running canary of the alias and points the alias back at the stable version. */
  async abort(actor: Actor, functionId: string, alias: string): Promise<CanaryRecord> {
    const fn = await this.functions.getActive(functionId);
    this.policy.assertCanManage(actor.principal, fn, functionId);
    for (let attempt = 0; attempt < ABORT_ATTEMPTS; attempt += 1) {
      const canary = await this.canaries.latest(fn.id, alias);
      if (!canary || canary.status !== 'RUNNING') throw new NotFoundError('Running canary of alias', alias);
      const reason = `aborted by ${actor.principal.subject ?? 'anonymous'}`;
      const aborted = await this.decisions.decide(
        canary,
        { status: 'ABORTED', weight: 0, reason },
        { action: 'ABORT', reason, stable: null, candidate: null },
        { actor },
      );
      if (aborted) return aborted;
    }
    throw new ConflictError(`The canary of alias ${alias} kept changing; try again`);
  }

  /** The alias's latest canary, for whoever may read the function's invocations; null without one. */
  async latest(principal: Principal, functionId: string, alias: string): Promise<CanaryRecord | null> {
    await this.assertCanRead(principal, functionId);
    return this.canaries.latest(functionId, alias);
  }

  async findById(id: string): Promise<CanaryRecord | null> {
    return this.canaries.findById(id);
  }

  /** Canaries say how a function's versions fare in production: readable by whoever may read its invocations. */
  async assertCanRead(principal: Principal, functionId: string): Promise<void> {
    const fn = await this.functions.getById(functionId);
    if (!isAdmin(principal) && !this.policy.functionAccess(principal, fn).readInvocations) throw new NotFoundError('Function', functionId);
  }

  private alreadyRunning(alias: string, functionName: string): ConflictError {
    return new ConflictError(`A canary of alias ${alias} of ${functionName} is already running`);
  }

  private async assertCandidate(functionId: string, functionName: string, stableVersion: string, candidateVersion: string): Promise<void> {
    const fail = (message: string) => new ValidationError(message, [{ field: 'candidateVersion', message }]);
    if (candidateVersion === stableVersion) throw fail(`the alias already points at ${candidateVersion}`);
    const version = await this.versions.findByVersion(functionId, candidateVersion);
    if (!version) throw fail(`${functionName} has no version ${candidateVersion}`);
    if (version.buildStatus !== 'READY') throw fail(`version ${candidateVersion} is ${version.buildStatus}; a canary needs a READY version`);
  }
}
