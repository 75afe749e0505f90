import { Injectable } from '@nestjs/common';
import type { Span } from '@opentelemetry/api';
import { AppConfig } from '@/kernel/config/app-config.js';
import { ConflictError, NotFoundError, ServiceUnavailableError, ThrottledError, UnauthenticatedError, ValidationError } from '@/kernel/errors/domain-error.js';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import { isAdmin, isAuthenticated, type Principal } from '@/kernel/identity/principal.js';
import { newId } from '@/kernel/ids/new-id.js';
import type { PageRequest, PageResult } from '@/kernel/pagination/page.js';
import type { RequestContext } from '@/kernel/telemetry/request-context.js';
import { startSpan, traceIdOf, traceparentOf, withSpan } from '@/kernel/telemetry/spans.js';
import type { ExecutionTarget, InvocationEvent, ResponseSink } from '@/modules/executor/execution.types.js';
import { FunctionAccessPolicy } from '@/modules/functions/function-access.policy.js';
import type { FunctionRecord } from '@/modules/functions/function.record.js';
import { FunctionsService } from '@/modules/functions/functions.service.js';
import { RateLimitsService } from '@/modules/limits/rate-limits.service.js';
import type { FunctionVersionRecord } from '@/modules/versions/version.record.js';
import { type AliasChoice, AliasesService } from '@/modules/aliases/aliases.service.js';
import { DEFAULT_ALIAS } from '@/modules/aliases/alias.record.js';
import { type FunctionRef, FunctionLookup } from './function-lookup.service.js';
import { IdempotencyKeys } from './idempotency-keys.js';
import { InvocationAdmission } from './invocation-admission.js';
import { errorSeenBy } from './invocation-error-view.js';
import { InvocationQueue } from './invocation-queue.js';
import { QueuedEventSeal } from './queued-event-seal.js';
import { ShadowCalls } from './shadow-calls.js';
import { storedRequest } from './invocation-request.js';
import { FINAL_STATUSES, type InvocationFilter, type InvocationRecord, type InvocationTrigger } from './invocation.record.js';
import { InvocationRecorder } from './invocation-recorder.js';
import { InvocationRepository } from './invocation.repository.js';
import { InvocationRunner } from './invocation-runner.js';
import { ContractValidators } from '@/modules/contracts/contract-validators.js';
import { withOutputContract } from './output-contract.js';

export interface InvokeCommand {
  ref: FunctionRef;
  /** A pinned version; the latest when absent (and no alias routes the call). */
  version?: string;
  /** Routes the call through this alias of the function (NOT_FOUND when it has none of that name); not with `version`. */
  alias?: string;
  /** Without `version` and `alias`: through the function's `default` alias when it has one, else the latest version. */
  followDefaultAlias?: boolean;
  /** Makes routing through an alias sticky: the same key lands on the same version while the alias's weights stay. */
  routingKey?: string;
  trigger: InvocationTrigger;
  event: InvocationEvent;
  /** Who invokes: checked against the function's permissions; recorded as `callerId`. */
  principal: Principal;
  /** Return the QUEUED record at once and run in the background. */
  async?: boolean;
  /** The HTTP request this invocation serves: its log context, and its trace id when tracing is off. */
  origin?: RequestContext;
  /** A re-send with the same key (same function and caller, within the window) gets the first invocation instead of a new one. */
  idempotencyKey?: string;
  /** A call the client waits for over HTTP: where a response the function streams goes as it is produced. */
  streamTo?: (invocation: Pick<InvocationRecord, 'id' | 'version' | 'alias'>) => ResponseSink;
  /** SHADOW and REPLAY: the invocation whose request this one runs again (`InvocationRecord.comparedWith`). */
  comparedWith?: string;
  /**
   * The platform's own run (shadow traffic): no permission check and no rate limit or quota taken,
   * since no caller asked for it and none may be refused because of it.
   */
  onBehalfOfPlatform?: boolean;
}

/**
 * The invocation path: resolve → authorise → record → run (now, or queued) → record the
 * outcome. An invocation id reaches its caller only once its record is durable: a queued
 * one is stored before it is queued; a call the client waits for is answered once its
 * final state is stored (group commit with the other calls of the same moment). Calls
 * refused before (unknown function, permissions, rate limits, quotas, a storage that
 * cannot keep up, shutdown) get an error and no record. Each step is a span of the
 * invocation's trace, whose id is kept on the record and handed to the function.
 */
@Injectable()
export class InvocationsService {
  constructor(
    private readonly lookup: FunctionLookup,
    private readonly runner: InvocationRunner,
    private readonly queue: InvocationQueue,
    private readonly invocations: InvocationRepository,
    private readonly recorder: InvocationRecorder,
    private readonly idempotency: IdempotencyKeys,
    private readonly admission: InvocationAdmission,
    private readonly config: AppConfig,
    private readonly policy: FunctionAccessPolicy,
    private readonly limits: RateLimitsService,
    private readonly functions: FunctionsService,
    private readonly errors: UnexpectedErrors,
    private readonly seal: QueuedEventSeal,
    private readonly aliases: AliasesService,
    private readonly shadows: ShadowCalls,
    private readonly contracts: ContractValidators,
  ) {}

  async invoke(command: InvokeCommand): Promise<InvocationRecord> {
    if (command.idempotencyKey !== undefined) assertUsableKey(command.idempotencyKey, command.principal);
    assertUsableRouting(command);
    this.admission.assertAccepting({ duringShutdown: command.trigger === 'DESTINATION' });
    const trigger = recordedTrigger(command);
    return this.admission.track(withSpan('fngraph.invoke', { 'fngraph.trigger': trigger }, (span) => this.start(command, span)));
  }

  async getById(id: string): Promise<InvocationRecord> {
    const record = await this.recorder.find(id);
    if (!record) throw new NotFoundError('Invocation', id);
    return record;
  }

  list(filter: InvocationFilter, page: PageRequest): Promise<PageResult<InvocationRecord>> {
    return this.invocations.list(filter, page);
  }

  findByIds(ids: readonly string[]): Promise<InvocationRecord[]> {
    return this.invocations.findByIds(ids);
  }

  latestByFunctionIds(functionIds: readonly string[]): Promise<InvocationRecord[]> {
    return this.invocations.latestByFunctionIds(functionIds);
  }

  /** An invocation the principal may read (see `FunctionAccessPolicy.canReadInvocation`); NOT_FOUND otherwise. */
  async getReadable(principal: Principal, id: string): Promise<InvocationRecord> {
    const record = await this.recorder.find(id);
    if (!record || !(await this.canRead(principal, record))) throw new NotFoundError('Invocation', id);
    return record;
  }

  /**
   * The record as this principal may see it: the error whole for whoever may read the
   * function's code, a generic one naming the invocation for anyone else (see `errorSeenBy`).
   */
  async seenBy(principal: Principal, record: InvocationRecord): Promise<InvocationRecord> {
    if (record.error === null || isAdmin(principal)) return record;
    const fn = await this.functionFor(record.functionId);
    return { ...record, error: errorSeenBy(record, fn !== null && this.policy.functionAccess(principal, fn).readCode) };
  }

  /** Re-checked on every log event of a subscription: permissions may change meanwhile. */
  async canRead(principal: Principal, invocation: Pick<InvocationRecord, 'functionId' | 'callerId'>): Promise<boolean> {
    if (isAdmin(principal)) return true;
    if (this.policy.canReadInvocation(principal, null, invocation)) return true;
    const fn = await this.functionFor(invocation.functionId);
    return this.policy.canReadInvocation(principal, fn, invocation);
  }

  /**
   * For subscriptions on a whole function (`functionLogs`, `invocationUpdated(functionId)`,
   * `functionMetrics`): every caller's activity, so the right to read all its invocations.
   * Call it at the start (it throws NOT_FOUND like a missing function) and, through
   * `guardedStream`, before every event.
   */
  async canReadFunctionActivity(principal: Principal, functionId: string): Promise<boolean> {
    if (isAdmin(principal)) return true;
    const fn = await this.functionFor(functionId);
    return fn !== null && this.policy.functionAccess(principal, fn).readInvocations;
  }

  async assertCanReadFunctionActivity(principal: Principal, functionId: string): Promise<void> {
    if (!(await this.canReadFunctionActivity(principal, functionId))) throw new NotFoundError('Function', functionId);
  }

  /**
   * Admins see every invocation; with `functionId`, whoever may read that function's
   * invocations sees them all and whoever may only see or invoke it sees their own;
   * without it, everyone else sees their own.
   */
  async listReadable(principal: Principal, filter: InvocationFilter, page: PageRequest): Promise<PageResult<InvocationRecord>> {
    if (isAdmin(principal)) return this.invocations.list(filter, page);
    if (!isAuthenticated(principal)) throw new UnauthenticatedError();
    const own = { ...filter, callerId: principal.subject };
    if (filter.functionId === undefined) return this.invocations.list(own, page);
    const fn = await this.functions.findByIds([filter.functionId]).then((found) => found[0] ?? null);
    const access = fn ? this.policy.functionAccess(principal, fn) : null;
    if (!access?.visible) throw new NotFoundError('Function', filter.functionId);
    return this.invocations.list(access.readInvocations ? filter : own, page);
  }

  /** The current record of a function (cached for active ones; deleted ones from storage). */
  private async functionFor(functionId: string): Promise<FunctionRecord | null> {
    try {
      return await this.lookup.findFunction({ functionId });
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      return (await this.functions.findByIds([functionId]))[0] ?? null;
    }
  }

  /**
   * Runs a dead-lettered invocation again from the start (a fresh set of attempts), with
   * the event it was queued with; whoever may invoke the function may re-drive it.
   */
  async redrive(principal: Principal, id: string): Promise<InvocationRecord> {
    const record = await this.getReadable(principal, id);
    this.policy.assertCanInvoke(principal, await this.lookup.findFunction({ functionId: record.functionId }), record.functionId);
    // This node may show the dead letter a batch before storage holds it; the transition below is checked in storage.
    await this.recorder.stored(id);
    if (record.status !== 'DEAD_LETTERED') throw new ConflictError(`Invocation ${id} is ${record.status}; only DEAD_LETTERED invocations can be re-driven`);
    if (record.requestTruncated) throw new ConflictError(`Invocation ${id} kept only part of its request body, so it cannot be run again as it was`);
    this.admission.assertAccepting();
    const queued: InvocationRecord = { ...record, status: 'QUEUED', attempt: 0, nodeId: null, startedAt: null, finishedAt: null, queuedAt: new Date() };
    if (!(await this.invocations.transition(queued, ['DEAD_LETTERED']))) throw new ConflictError(`Invocation ${id} was re-driven already`);
    try {
      await this.queue.enqueue({ invocationId: id, sealedEvent: this.seal.seal(record.request) });
    } catch (error) {
      this.errors.report(error, { source: 'invocation', where: `re-driving invocation ${id}`, invocationId: id });
      // Not queued: back as it was, so it can be re-driven later.
      await this.invocations.transition(record, ['QUEUED']).catch((undo: unknown) => {
        this.errors.report(undo, { source: 'storage', where: `putting invocation ${id} back DEAD_LETTERED after a failed re-drive` });
      });
      throw new ServiceUnavailableError('The invocation cannot be queued at the moment; retry shortly', 5);
    }
    this.runner.announce(queued);
    return queued;
  }

  private async start(command: InvokeCommand, span: Span): Promise<InvocationRecord> {
    const found = await withSpan('fngraph.resolve', {}, () => this.lookup.findFunction(command.ref));
    await withSpan('fngraph.authorize', {}, async () => {
      if (command.onBehalfOfPlatform === true) return;
      this.policy.assertCanInvoke(command.principal, found, 'functionId' in command.ref ? command.ref.functionId : command.ref.name);
      await this.limits.consumeInvocation(found);
    });
    const { choice, resolved } = await withSpan('fngraph.resolve.version', {}, async () => {
      const choice = await this.routeThroughAlias(found, command);
      return { choice, resolved: await this.lookup.resolveVersion(found, choice?.version ?? command.version) };
    });
    const { function: fn, version, target } = resolved;
    this.assertInputContract(fn, version, command.event);
    const record = newRecord(command, fn, version, choice?.alias.name ?? null, this.config.nodeId, traceIdOf(span, command.origin?.traceId));
    span.setAttributes({
      'fngraph.invocation.id': record.id,
      'fngraph.function.id': fn.id,
      'fngraph.function.name': fn.name,
      'fngraph.function.version': version.version,
      ...(record.alias === null ? {} : { 'fngraph.function.alias': record.alias }),
    });
    if (command.idempotencyKey !== undefined) {
      const holder = await this.claimKey(command, record);
      if (holder !== record.id) return this.replay(holder);
    }
    try {
      if (command.async) return await this.enqueue(record, command, span);
      // Stored at once when keyed: a re-send of the key on any node must find it.
      if (command.idempotencyKey !== undefined) await this.insertNow(record);
      else {
        const insert = startSpan('fngraph.record', { 'fngraph.step': 'insert' });
        this.recorder.insertProvisionally(record);
        insert.end();
      }
    } catch (error) {
      if (command.idempotencyKey !== undefined) await this.releaseKey(command, record);
      throw error;
    }
    this.runner.observe((o) => o.started(record, command.origin));
    this.runner.announce(record);
    const answered = await this.runNow(record, version, target, command.event, command.streamTo?.(record));
    // The alias's shadow share: handed over now that the call is over, run later, never awaited.
    if (choice?.shadowVersion)
      this.shadows.offer({
        primary: answered,
        response: answered.response,
        event: command.event,
        alias: choice.alias.name,
        shadowVersion: choice.shadowVersion,
      });
    return answered;
  }

  /** The alias's pick for this call, when an alias routes it (named, or the `default` one followed); null: by version or latest. */
  private async routeThroughAlias(fn: FunctionRecord, command: InvokeCommand): Promise<AliasChoice | null> {
    if (command.version !== undefined) return null;
    const name = command.alias ?? (command.followDefaultAlias ? DEFAULT_ALIAS : undefined);
    if (name === undefined) return null;
    const choice = await this.aliases.choose(fn, name, command.routingKey);
    if (choice === null && command.alias !== undefined) throw new NotFoundError('Alias', `${fn.name}@${name}`);
    return choice;
  }

  /** Before anything is recorded or started: a request its version's contract refuses leaves no trace but the answer (400). */
  private assertInputContract(fn: FunctionRecord, version: FunctionVersionRecord, event: InvocationEvent): void {
    try {
      this.contracts.assertInput(version, event);
    } catch (error) {
      this.runner.observe((o) => o.inputRefused(fn.name));
      throw error;
    }
  }

  private async enqueue(record: InvocationRecord, command: InvokeCommand, span: Span): Promise<InvocationRecord> {
    await withSpan('fngraph.record', { 'fngraph.step': 'insert' }, () => this.insertNow(record));
    try {
      await withSpan('fngraph.enqueue', {}, () =>
        this.queue.enqueue({
          invocationId: record.id,
          sealedEvent: this.seal.seal(command.event),
          traceparent: record.traceId ? traceparentOf(span, record.traceId) : null,
        }),
      );
    } catch (error) {
      // Stored but not queued: it will never run, and its id has not left yet; say so on the record.
      const refused: InvocationRecord = { ...record, status: 'REJECTED', error: QUEUE_UNAVAILABLE, finishedAt: new Date() };
      await this.recorder.commit(refused).catch(() => undefined);
      this.errors.report(error, {
        source: 'invocation',
        where: `queueing invocation ${record.id}`,
        functionName: record.functionName,
        invocationId: record.id,
      });
      throw new ServiceUnavailableError('Async invocations cannot be queued at the moment', 5);
    }
    this.runner.observe((o) => o.started(record, command.origin));
    this.runner.announce(record);
    return record;
  }

  /** A call the client waits for: run, store the final state, answer with the whole result. */
  private async runNow(
    record: InvocationRecord,
    version: FunctionVersionRecord,
    target: ExecutionTarget,
    event: InvocationEvent,
    onResponse?: ResponseSink,
  ): Promise<InvocationRecord> {
    const attempt = await this.runner.attempt(record, target, event, onResponse);
    const result = attempt.outcome && { value: attempt.outcome.value, truncated: attempt.outcome.responseTruncated === true };
    const final = withOutputContract(this.runner.outcomeOf(record, attempt), version, result, this.contracts);
    try {
      await this.runner.finish(final, attempt.log);
    } catch {
      // Not lost: the recorder keeps retrying it. But the caller may not be given an id that is not durable.
      throw new ServiceUnavailableError('The invocation ran, but its record cannot be stored at the moment; it is stored once storage recovers', 5);
    }
    if (attempt.failure instanceof ThrottledError) throw attempt.failure;
    if (attempt.failure !== undefined && !attempt.cut) {
      this.errors.report(attempt.failure, {
        source: 'invocation',
        where: `invocation ${record.id}`,
        functionName: record.functionName,
        invocationId: record.id,
      });
    }
    // The caller gets the whole result even when the record keeps only a marker (none when its contract refused it).
    return { ...final, response: final.status === 'SUCCEEDED' ? (attempt.outcome?.value ?? null) : final.response };
  }

  /** A record stored before its id leaves; if storage refuses it, the caller learns it may retry. */
  private async insertNow(record: InvocationRecord): Promise<void> {
    try {
      await this.recorder.insert(record);
    } catch (error) {
      this.errors.report(error, { source: 'storage', where: `storing invocation ${record.id}`, invocationId: record.id });
      throw new ServiceUnavailableError('The invocation cannot be recorded at the moment; retry shortly', 5);
    }
  }

  private claimKey(command: InvokeCommand, record: InvocationRecord): Promise<string> {
    const now = new Date();
    const expires = new Date(now.getTime() + this.config.delivery.idempotencyWindowSeconds * 1000);
    return this.idempotency.claim(keyScope(record), command.idempotencyKey as string, record.id, expires, now);
  }

  private async releaseKey(command: InvokeCommand, record: InvocationRecord): Promise<void> {
    await this.idempotency.release(keyScope(record), command.idempotencyKey as string, record.id).catch(() => undefined);
  }

  /**
   * The invocation an idempotency key already started: its final state when it ends within
   * its timeout (a re-sent call gets the first call's answer), else its state now.
   */
  private async replay(invocationId: string): Promise<InvocationRecord> {
    const deadline = Date.now() + REPLAY_WAIT_MS;
    for (;;) {
      const record = await this.recorder.find(invocationId);
      if (record && (record.queued || FINAL_STATUSES.has(record.status) || Date.now() >= deadline)) return record;
      if (!record && Date.now() >= deadline) throw new ConflictError('An invocation with this idempotency key is being started; retry shortly');
      await new Promise((resolve) => setTimeout(resolve, REPLAY_POLL_MS));
    }
  }
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * Keys are scoped per caller, so anonymous callers cannot use them: they cannot be told
 * apart, and one would be handed another's invocation (request and result).
 */
function assertUsableKey(key: string, principal: Principal): void {
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new ValidationError('An idempotency key is 1 to 255 printable ASCII characters', [{ field: 'idempotencyKey', message: 'not a valid key' }]);
  }
  if (!isAuthenticated(principal)) {
    throw new ValidationError('Idempotency keys need credentials: anonymous callers cannot be told apart', [
      { field: 'idempotencyKey', message: 'send credentials, or no key' },
    ]);
  }
}

/** A replayed call waits this long at most for the first call to end. */
const REPLAY_WAIT_MS = 30_000;
const REPLAY_POLL_MS = 100;

const QUEUE_UNAVAILABLE = { type: 'QueueUnavailable', message: 'The invocation could not be queued' };

/** Keys are per function and caller: two callers cannot collide, nor learn of each other's keys. */
function keyScope(record: InvocationRecord): string {
  return `${record.functionId}:${record.callerId}`;
}

/** A queued call says ASYNC, unless the platform queued it for a reason of its own (a schedule's tick, a destination). */
function recordedTrigger(command: InvokeCommand): InvocationTrigger {
  return command.async && command.trigger !== 'SCHEDULE' && command.trigger !== 'DESTINATION' ? 'ASYNC' : command.trigger;
}

const ROUTING_KEY = /^[^\p{Cc}]{1,256}$/u;

/** A routing key is opaque to the platform, but bounded; an alias and a pinned version exclude each other. */
function assertUsableRouting(command: InvokeCommand): void {
  if (command.alias !== undefined && command.version !== undefined) {
    throw new ValidationError('Name a version or an alias, not both', [{ field: 'alias', message: 'not with a version' }]);
  }
  if (command.routingKey !== undefined && !ROUTING_KEY.test(command.routingKey)) {
    throw new ValidationError('A routing key is 1 to 256 printable characters', [{ field: 'routingKey', message: 'not a valid routing key' }]);
  }
}

function newRecord(
  command: InvokeCommand,
  fn: FunctionRecord,
  version: FunctionVersionRecord,
  alias: string | null,
  nodeId: string,
  traceId: string | null,
): InvocationRecord {
  const { request, truncated } = storedRequest(command.event);
  const queued = command.async === true;
  return {
    id: newId(),
    functionId: fn.id,
    functionName: fn.name,
    versionId: version.id,
    version: version.version,
    alias,
    trigger: recordedTrigger(command),
    callerId: command.principal.subject,
    status: queued ? 'QUEUED' : 'RUNNING',
    request,
    requestTruncated: truncated,
    response: null,
    responseTruncated: false,
    error: null,
    coldStart: null,
    durationMs: null,
    initDurationMs: null,
    memoryPeakBytes: null,
    cpuTimeMs: null,
    queuedAt: new Date(),
    startedAt: queued ? null : new Date(),
    finishedAt: null,
    traceId,
    logs: [],
    logsTruncated: false,
    nodeId: queued ? null : nodeId,
    attempt: queued ? 0 : 1,
    queued,
    comparedWith: command.comparedWith ?? null,
    contractViolations: [],
  };
}
