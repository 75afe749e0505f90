import { Injectable } from '@nestjs/common';
import { ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError } from '@/kernel/errors/domain-error.js';
import { newId } from '@/kernel/ids/new-id.js';
import type { PageRequest, PageResult } from '@/kernel/pagination/page.js';
import { assertSafeKeys } from '@/kernel/validation/safe-keys.js';
import { parseOrThrow } from '@/kernel/validation/zod-errors.js';
import { AppConfig } from '@/kernel/config/app-config.js';
import { EventBus } from '@/kernel/events/event-bus.js';
import { AuditService } from '@/modules/audit/audit.service.js';
import { FunctionAccessPolicy } from './function-access.policy.js';
import { PrewarmQuota } from './prewarm-quota.js';
import { type Actor, hasRole, isAdmin, isAuthenticated, type Principal } from '@/kernel/identity/principal.js';
import { type RuntimeId, resolveRuntime } from '@/modules/runtimes/runtime-catalog.js';
import { RuntimeAvailability } from '@/modules/executor/runtime-availability.service.js';
import type { VersionDraft } from '@/modules/versions/version-draft.js';
import { registeredCode } from '@/modules/versions/version-secrets.js';
import { nextVersion } from '@/modules/versions/version-numbering.js';
import { VersionBuildService } from '@/modules/versions/version-build.service.js';
import { DEFAULT_ASYNC_POLICY, type FunctionVersionRecord } from '@/modules/versions/version.record.js';
import { VersionsService } from '@/modules/versions/versions.service.js';
import { NETWORK_OFF } from '@/modules/egress/network-config.js';
import { withoutContractSchemas } from '@/modules/contracts/contract-document.validation.js';
import { assertCompatible } from '@/modules/contracts/compatibility.js';
import type { ContractChange } from '@/modules/contracts/contract-changes.js';
import {
  type EnvironmentEntry,
  functionNameSchema,
  type RegistrationDocument,
  registrationDocumentSchema,
  type RegistrationPatch,
  registrationPatchSchema,
  concurrencyIssueOf,
  selfDestinationIssues,
} from './registration-document.validation.js';
import { asyncPolicyFrom } from './async-policy.settings.js';
import { networkFrom } from './network.settings.js';
import { isReservedForOthers, nameTakenError, versionFloor } from './function-name-reservation.js';
import { type FunctionChangedEvent, functionChangedChannel, functionsChangedChannel } from './function.channels.js';
import type { FunctionFilter, FunctionRecord } from './function.record.js';
import { type FunctionHeadUpdate, FunctionRepository } from './function.repository.js';

export interface Registration {
  function: FunctionRecord;
  version: FunctionVersionRecord;
  created: boolean;
  /** Changes breaking the previous version's contract that `allowBreakingChanges` let through (audited). */
  overriddenBreakingChanges?: ContractChange[];
}

/** The function aggregate: registration, new versions, deletion and reads. */
@Injectable()
export class FunctionsService {
  private readonly documentSchema;
  private readonly patchSchema;

  constructor(
    private readonly functions: FunctionRepository,
    private readonly versions: VersionsService,
    private readonly builds: VersionBuildService,
    private readonly events: EventBus,
    private readonly config: AppConfig,
    private readonly policy: FunctionAccessPolicy,
    private readonly audit: AuditService,
    private readonly prewarmQuota: PrewarmQuota,
    private readonly runtimes: RuntimeAvailability,
  ) {
    this.documentSchema = registrationDocumentSchema(config.limits, config.schedules);
    this.patchSchema = registrationPatchSchema(config.limits, config.schedules);
  }

  /**
   * Registers the spec's function document: a new function, or a new version when a
   * function of that name exists. Nothing is stored unless the whole document is valid.
   */
  async register(input: unknown, actor: Actor): Promise<Registration> {
    requireDeveloper(actor.principal);
    assertSafeKeys(withoutContractSchemas(input));
    const document = parseOrThrow(this.documentSchema, input, 'function document');
    const existing = await this.functions.findByName(document.name);
    const draft = this.draftFromDocument(document, await this.runtimes.installed());
    const head = headFromDocument(document);
    const registration = existing
      ? await this.addVersion(this.manageable(actor.principal, existing), draft, head, document.version, document.allowBreakingChanges ?? false)
      : await this.create(document, draft, head, actor.principal);
    await this.recordChange(actor, 'function.register', registration, existing);
    return registration;
  }

  /** Creates a new version from a partial document; unspecified fields keep their values. */
  async update(id: string, input: unknown, actor: Actor): Promise<Registration> {
    requireDeveloper(actor.principal);
    assertSafeKeys(withoutContractSchemas(input));
    const patch = parseOrThrow(this.patchSchema, input, 'function update');
    const current = await this.getActive(id);
    this.policy.assertCanManage(actor.principal, current, id);
    assertNoSelfDestination(current.name, patch);
    const latest = await this.versions.getById(current.latestVersionId);
    const draft = this.draftFromPatch(patch, current, latest, await this.runtimes.installed());
    const head: FunctionHead = {
      description: patch.description ?? current.description,
      author: patch.metadata?.author ?? current.author,
      tags: patch.metadata?.tags ?? current.tags,
      permissions: { ...current.permissions, ...definedOnly(patch.metadata?.permissions ?? {}) },
      schedules: patch.schedules ?? current.schedules,
    };
    const registration = await this.addVersion(current, draft, head, patch.version, patch.allowBreakingChanges ?? false);
    await this.recordChange(actor, 'function.update', registration, current);
    return registration;
  }

  async delete(id: string, actor: Actor): Promise<FunctionRecord> {
    requireDeveloper(actor.principal);
    const current = await this.getActive(id);
    this.policy.assertCanManage(actor.principal, current, id);
    if (!(await this.functions.markDeleted(id, new Date()))) throw new NotFoundError('Function', id);
    await this.announce({ functionId: id, name: current.name, kind: 'deleted' });
    await this.audit.record(actor, 'function.delete', { targetType: 'function', targetId: id }, { name: current.name });
    return { ...current, deletedAt: new Date() };
  }

  /**
   * Ends the reservation of a deleted function's name (admins only, audited): anyone may then
   * register it, with versions continuing after the old ones. Returns whether there was one.
   */
  async releaseName(name: unknown, actor: Actor): Promise<boolean> {
    if (!isAdmin(actor.principal)) throw new ForbiddenError('Only admins release function names');
    const valid = parseOrThrow(functionNameSchema, name, 'function name');
    const released = await this.functions.releaseName(valid, new Date());
    if (released > 0) await this.audit.record(actor, 'function.releaseName', { targetType: 'function', targetId: null }, { name: valid, released });
    return released > 0;
  }

  /** A function by id that the principal may see (deleted ones included); NOT_FOUND otherwise. */
  async getVisibleById(principal: Principal, id: string): Promise<FunctionRecord> {
    const record = await this.getById(id);
    this.policy.assertVisible(principal, record, id);
    return record;
  }

  async getVisibleByName(principal: Principal, name: string): Promise<FunctionRecord> {
    const record = await this.getByName(name);
    this.policy.assertVisible(principal, record, name);
    return record;
  }

  /** Admins list every function; others those they own, are listed in, or may execute by role. */
  listVisible(principal: Principal, filter: FunctionFilter, page: PageRequest): Promise<PageResult<FunctionRecord>> {
    if (isAdmin(principal)) return this.functions.list(filter, page);
    if (!isAuthenticated(principal)) throw new UnauthenticatedError();
    return this.functions.list({ ...filter, visibleTo: { subject: principal.subject, roles: principal.roles } }, page);
  }

  /** Re-registering a name is adding a version: only for those who manage that function. */
  private manageable(principal: Principal, existing: FunctionRecord): FunctionRecord {
    if (!this.policy.functionAccess(principal, existing).visible) {
      // Names are global, so a taken name cannot be hidden; nothing else about the function is told.
      throw nameTakenError(existing.name);
    }
    this.policy.assertCanManage(principal, existing, existing.name);
    return existing;
  }

  private async recordChange(
    actor: Actor,
    action: 'function.register' | 'function.update',
    registration: Registration,
    before: FunctionRecord | null,
  ): Promise<void> {
    const fn = registration.function;
    const target = { targetType: 'function' as const, targetId: fn.id };
    await this.audit.record(actor, action, target, { name: fn.name, version: registration.version.version, created: registration.created });
    const overridden = registration.overriddenBreakingChanges ?? [];
    if (overridden.length > 0) {
      await this.audit.record(actor, 'function.breakingChange', target, {
        name: fn.name,
        version: registration.version.version,
        previousVersion: before?.latestVersion ?? null,
        reasons: overridden.map((change) => `${change.path}: ${change.message}`),
      });
    }
    const { network } = registration.version;
    if (network.enabled) {
      await this.audit.record(actor, 'function.network', target, { name: fn.name, version: registration.version.version, allow: [...network.allow] });
    }
    const permissions = fn.permissions;
    const changed = before
      ? JSON.stringify(before.permissions) !== JSON.stringify(permissions)
      : permissions.public || permissions.allowedUsers.length > 0 || permissions.executionRoles.length > 0;
    if (changed) {
      await this.audit.record(actor, 'function.permissions', target, {
        name: fn.name,
        public: permissions.public,
        allowedUsers: [...permissions.allowedUsers],
        executionRoles: [...permissions.executionRoles],
      });
    }
  }

  /** Any function by id, deleted ones included (history refers to them). */
  async getById(id: string): Promise<FunctionRecord> {
    const record = await this.functions.findById(id);
    if (!record) throw new NotFoundError('Function', id);
    return record;
  }

  /** A function that can still be invoked or changed. */
  async getActive(id: string): Promise<FunctionRecord> {
    const record = await this.functions.findById(id);
    if (!record || record.deletedAt) throw new NotFoundError('Function', id);
    return record;
  }

  async getByName(name: string): Promise<FunctionRecord> {
    const record = await this.functions.findByName(name);
    if (!record) throw new NotFoundError('Function', name);
    return record;
  }

  findByName(name: string): Promise<FunctionRecord | null> {
    return this.functions.findByName(name);
  }

  findByIds(ids: readonly string[]): Promise<FunctionRecord[]> {
    return this.functions.findByIds(ids);
  }

  list(filter: FunctionFilter, page: PageRequest): Promise<PageResult<FunctionRecord>> {
    return this.functions.list(filter, page);
  }

  /** Active functions with an enabled schedule: what the schedulers run. */
  listScheduled(): Promise<FunctionRecord[]> {
    return this.functions.listScheduled();
  }

  private async create(document: RegistrationDocument, draft: VersionDraft, head: FunctionHead, principal: Principal): Promise<Registration> {
    const tombstones = await this.functions.findTombstones(document.name);
    if (isReservedForOthers(tombstones, principal)) throw nameTakenError(document.name);
    await this.assertInstances(principal.subject, null, draft);
    const functionId = newId();
    const versionNumber = nextVersion(versionFloor(tombstones), document.version);
    const version = await this.versions.prepare(functionId, 1, versionNumber, draft);
    const now = new Date();
    const record: FunctionRecord = {
      id: functionId,
      name: document.name,
      language: draft.language,
      runtime: draft.runtime,
      ownerId: principal.subject,
      ...head,
      latestVersion: versionNumber,
      latestVersionId: version.id,
      versionCount: 1,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    };
    // The version goes first so that a function is never visible without its version.
    await this.versions.insert(version);
    try {
      await this.functions.insert(record);
    } catch (error) {
      await this.versions.remove(version.id);
      if (!(error instanceof ConflictError)) throw error;
      // Another request registered the same name meanwhile: become its next version, if the
      // principal may manage that function (as when the name was taken before this request).
      const winner = await this.functions.findByName(document.name);
      if (!winner) throw error;
      return this.addVersion(this.manageable(principal, winner), draft, head, document.version, document.allowBreakingChanges ?? false);
    }
    await this.announce({ functionId, name: record.name, kind: 'registered' });
    this.builds.start(version);
    return { function: record, version, created: true };
  }

  private async addVersion(
    current: FunctionRecord,
    draft: VersionDraft,
    head: FunctionHead,
    requested: string | undefined,
    allowBreakingChanges: boolean,
  ): Promise<Registration> {
    await this.assertInstances(current.ownerId, current.id, draft);
    const versionNumber = nextVersion(current.latestVersion, requested);
    // Checked before the version is built: a refused contract costs no build.
    const previous = await this.versions.getById(current.latestVersionId);
    const overriddenBreakingChanges = assertCompatible(previous, { version: versionNumber, contract: draft.contract }, allowBreakingChanges);
    const sequence = current.versionCount + 1;
    const version = await this.versions.prepare(current.id, sequence, versionNumber, draft);
    await this.versions.insert(version);
    const update: FunctionHeadUpdate = {
      ...head,
      language: draft.language,
      runtime: draft.runtime,
      latestVersion: versionNumber,
      latestVersionId: version.id,
      versionCount: sequence,
      updatedAt: new Date(),
    };
    if (!(await this.functions.updateHead(current.id, current.versionCount, update))) {
      await this.versions.remove(version.id);
      throw new ConflictError(`Function ${current.name} changed concurrently; retry`);
    }
    await this.announce({ functionId: current.id, name: current.name, kind: 'versioned' });
    this.builds.start(version);
    return { function: { ...current, ...update }, version, created: false, overriddenBreakingChanges };
  }

  private draftFromDocument(document: RegistrationDocument, installed: ReadonlySet<RuntimeId>): VersionDraft {
    const limits = this.config.limits;
    return {
      language: document.language,
      runtime: resolveRuntime(document.language, document.runtime, installed),
      code: document.code,
      codeFormat: document.codeFormat ?? 'source',
      handler: document.handler ?? null,
      dependencies: document.metadata?.dependencies ?? {},
      timeoutSeconds: document.executionConfig?.timeout ?? limits.defaultTimeoutSeconds,
      memoryLimitMb: document.executionConfig?.memoryLimit ?? limits.defaultMemoryMb,
      minInstances: document.executionConfig?.minInstances ?? 0,
      maxInstances: document.executionConfig?.maxInstances ?? null,
      concurrency: document.executionConfig?.concurrency ?? 1,
      eventFormat: document.executionConfig?.eventFormat ?? 'native',
      asyncPolicy: asyncPolicyFrom(document.executionConfig, DEFAULT_ASYNC_POLICY),
      network: networkFrom(document.executionConfig, NETWORK_OFF, this.config.egress),
      ...splitEnvironment(document.executionConfig?.environmentVariables ?? {}),
      contract: document.contract ?? null,
      author: document.metadata?.author ?? null,
    };
  }

  private draftFromPatch(patch: RegistrationPatch, current: FunctionRecord, latest: FunctionVersionRecord, installed: ReadonlySet<RuntimeId>): VersionDraft {
    const language = patch.language ?? current.language;
    const previous = this.versions.openSecrets(latest);
    return {
      language,
      runtime: resolveRuntime(language, patch.runtime ?? (patch.language ? undefined : current.runtime), installed),
      code: patch.code ?? registeredCode(previous),
      codeFormat: patch.code ? (patch.codeFormat ?? 'source') : latest.codeFormat,
      handler: patch.handler ?? latest.handler,
      dependencies: patch.metadata?.dependencies ?? latest.dependencies,
      timeoutSeconds: patch.executionConfig?.timeout ?? latest.timeoutSeconds,
      memoryLimitMb: patch.executionConfig?.memoryLimit ?? latest.memoryLimitMb,
      minInstances: patch.executionConfig?.minInstances ?? latest.minInstances,
      maxInstances: patch.executionConfig?.maxInstances ?? latest.maxInstances,
      concurrency: patch.executionConfig?.concurrency ?? latest.concurrency,
      eventFormat: patch.executionConfig?.eventFormat ?? latest.eventFormat,
      asyncPolicy: asyncPolicyFrom(patch.executionConfig, latest.asyncPolicy),
      network: networkFrom(patch.executionConfig, latest.network, this.config.egress),
      ...(patch.executionConfig?.environmentVariables
        ? splitEnvironment(patch.executionConfig.environmentVariables)
        : { environmentVariables: previous.environmentVariables, secretVariableNames: previous.secretVariableNames ?? [] }),
      contract: patch.contract === undefined ? latest.contract : patch.contract,
      author: patch.metadata?.author ?? current.author,
    };
  }

  /** The draft's instance bounds: `minInstances` within the `maxInstances` it keeps, and within the owner's pre-warm quota. */
  private async assertInstances(ownerId: string | null, functionId: string | null, draft: VersionDraft): Promise<void> {
    const maxInstances = draft.maxInstances ?? this.config.limits.maxInstancesPerFunction;
    if (draft.minInstances > maxInstances) {
      const message = `must not exceed maxInstances (${maxInstances})`;
      throw new ValidationError(`Invalid function version: executionConfig.minInstances: ${message}`, [{ field: 'executionConfig.minInstances', message }]);
    }
    // An update may change the language and keep the latest version's concurrency, or the reverse.
    const concurrencyIssue = concurrencyIssueOf(draft.language, draft.concurrency);
    if (concurrencyIssue) {
      const field = concurrencyIssue.path.join('.');
      throw new ValidationError(`Invalid function version: ${field}: ${concurrencyIssue.message}`, [{ field, message: concurrencyIssue.message }]);
    }
    await this.prewarmQuota.assertWithin(ownerId, functionId, draft);
  }

  /** Awaited: when a change is acknowledged, every node has been told to drop its cached copy. */
  private async announce(event: FunctionChangedEvent): Promise<void> {
    await Promise.all([this.events.publish(functionChangedChannel(event.functionId), event), this.events.publish(functionsChangedChannel, event)]);
  }
}

/** Registering and changing functions needs the developer (or admin) role; returns the owner id. */
function requireDeveloper(principal: Principal): string {
  if (!isAuthenticated(principal)) throw new UnauthenticatedError();
  if (!hasRole(principal, 'admin', 'developer')) throw new ForbiddenError('Registering and changing functions needs the developer role');
  return principal.subject;
}

/** The document schema checks this for registrations; a patch does not carry the name. */
function assertNoSelfDestination(name: string, patch: RegistrationPatch): void {
  const details = selfDestinationIssues(name, patch.executionConfig?.destinations).map((issue) => ({ field: issue.path.join('.'), message: issue.message }));
  if (details.length > 0) throw new ValidationError(`Invalid function update: ${details[0]!.field}: ${details[0]!.message}`, details);
}

type FunctionHead = Pick<FunctionRecord, 'description' | 'author' | 'tags' | 'permissions' | 'schedules'>;

function headFromDocument(document: RegistrationDocument): FunctionHead {
  const permissions = document.metadata?.permissions;
  return {
    description: document.description ?? '',
    author: document.metadata?.author ?? null,
    tags: document.metadata?.tags ?? [],
    permissions: {
      public: permissions?.public ?? false,
      allowedUsers: permissions?.allowedUsers ?? [],
      executionRoles: permissions?.executionRoles ?? [],
    },
    // A document states the whole function: re-registering without schedules removes them.
    schedules: document.schedules ?? [],
  };
}

function splitEnvironment(entries: Record<string, EnvironmentEntry>): Pick<VersionDraft, 'environmentVariables' | 'secretVariableNames'> {
  const environmentVariables: Record<string, string> = {};
  const secretVariableNames: string[] = [];
  for (const [name, entry] of Object.entries(entries)) {
    Object.defineProperty(environmentVariables, name, { value: entry.value, enumerable: true, writable: true, configurable: true });
    if (entry.secret) secretVariableNames.push(name);
  }
  return { environmentVariables, secretVariableNames };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
