import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { type ErrorDetail, ValidationError } from '@/kernel/errors/domain-error.js';
import { EventBus, type Unsubscribe } from '@/kernel/events/event-bus.js';
import type { Actor } from '@/kernel/identity/principal.js';
import { assertSafeKeys } from '@/kernel/validation/safe-keys.js';
import { parseOrThrow } from '@/kernel/validation/zod-errors.js';
import { AuditService } from '@/modules/audit/audit.service.js';
import { FunctionAccessPolicy } from '@/modules/functions/function-access.policy.js';
import type { FunctionRecord } from '@/modules/functions/function.record.js';
import { FunctionsService } from '@/modules/functions/functions.service.js';
import { VersionsService } from '@/modules/versions/versions.service.js';
import { type AliasChangedEvent, aliasesChangedChannel } from './alias.channels.js';
import type { AliasRecord } from './alias.record.js';
import { AliasRepository } from './alias.repository.js';
import { chooseRoute } from './alias-routing.js';
import { aliasNameSchema, MAX_ALIASES_PER_FUNCTION, setAliasSchema } from './alias-rules.js';

/** What one call through an alias runs. */
export interface AliasChoice {
  alias: AliasRecord;
  version: string;
  /** The version this call also runs on, unseen by its caller (the alias's shadow share); null: not this call. */
  shadowVersion: string | null;
}

/** Functions whose aliases are kept in memory (the least recently used go first). */
const MAX_CACHED_FUNCTIONS = 1000;

/**
 * Aliases: named, weighted pointers of a function to its versions. Every node keeps the
 * aliases of the functions it serves in memory, so routing a call reads no storage; a change
 * drops them on every node (announced on the event bus, awaited before `set` returns).
 */
@Injectable()
export class AliasesService implements OnModuleInit, OnModuleDestroy {
  /** By function id: all its aliases by name (an empty map is a function without any: also worth caching). */
  private readonly byFunction = new LRUCache<string, ReadonlyMap<string, AliasRecord>>({ max: MAX_CACHED_FUNCTIONS });
  /** Bumped by every invalidation: a load that started before one must not store what it read. */
  private generation = 0;
  private unsubscribe: Unsubscribe | undefined;

  constructor(
    private readonly aliases: AliasRepository,
    private readonly functions: FunctionsService,
    private readonly versions: VersionsService,
    private readonly policy: FunctionAccessPolicy,
    private readonly audit: AuditService,
    private readonly events: EventBus,
  ) {}

  async onModuleInit(): Promise<void> {
    // Changes announced while the subscription was interrupted never arrive: forget everything then.
    this.unsubscribe = await this.events.subscribe(aliasesChangedChannel, (event) => this.forget(event.functionId), { onResumed: () => this.forgetAll() });
  }

  async onModuleDestroy(): Promise<void> {
    await this.unsubscribe?.();
  }

  /**
   * Creates or replaces an alias (whoever may manage the function). Every route and the
   * shadow must name a version of the function that exists and did not fail its build.
   */
  async set(actor: Actor, input: unknown): Promise<AliasRecord> {
    this.policy.requireAuthenticated(actor.principal);
    assertSafeKeys(input);
    const valid = parseOrThrow(setAliasSchema, input, 'alias');
    const fn = await this.functions.getActive(valid.functionId);
    this.policy.assertCanManage(actor.principal, fn, valid.functionId);
    const targets = [
      ...valid.routes.map((route, index) => ({ version: route.version, field: `routes.${index}.version` })),
      ...(valid.shadow ? [{ version: valid.shadow.version, field: 'shadow.version' }] : []),
    ];
    await this.assertRunnableVersions(fn, targets);
    const before = await this.aliases.find(fn.id, valid.name);
    if (!before && (await this.aliases.list(fn.id)).length >= MAX_ALIASES_PER_FUNCTION) {
      throw new ValidationError(`${fn.name} has ${MAX_ALIASES_PER_FUNCTION} aliases already; delete one first`, [
        { field: 'name', message: 'one alias too many' },
      ]);
    }
    const now = new Date();
    const record: AliasRecord = {
      functionId: fn.id,
      name: valid.name,
      routes: valid.routes.map((route) => ({ version: route.version, weight: route.weight })),
      shadow: valid.shadow ? { version: valid.shadow.version, percent: valid.shadow.percent } : null,
      createdAt: before?.createdAt ?? now,
      updatedAt: now,
      updatedBy: actor.principal.subject,
    };
    await this.aliases.save(record);
    await this.announce({ functionId: fn.id, name: record.name, kind: 'set' });
    await this.audit.record(
      actor,
      'alias.set',
      { targetType: 'function', targetId: fn.id },
      { function: fn.name, alias: record.name, before: describe(before), after: describe(record) },
    );
    return record;
  }

  /** Removes an alias (whoever may manage the function); false when there was none. */
  async delete(actor: Actor, functionId: string, name: string): Promise<boolean> {
    this.policy.requireAuthenticated(actor.principal);
    const fn = await this.functions.getActive(functionId);
    this.policy.assertCanManage(actor.principal, fn, functionId);
    const valid = parseOrThrow(aliasNameSchema, name, 'alias name');
    const before = await this.aliases.find(fn.id, valid);
    if (!before || !(await this.aliases.delete(fn.id, valid))) return false;
    await this.announce({ functionId: fn.id, name: valid, kind: 'deleted' });
    await this.audit.record(
      actor,
      'alias.delete',
      { targetType: 'function', targetId: fn.id },
      { function: fn.name, alias: valid, before: describe(before), after: null },
    );
    return true;
  }

  /** A function's aliases by name (a deleted function's too). Callers check that the function is visible. */
  async list(functionId: string): Promise<AliasRecord[]> {
    return [...(await this.aliasesOf(functionId)).values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The aliases of several functions at once, read from storage (for DataLoader batches). */
  listByFunctionIds(functionIds: readonly string[]): Promise<AliasRecord[]> {
    return this.aliases.listByFunctionIds(functionIds);
  }

  async find(functionId: string, name: string): Promise<AliasRecord | null> {
    return (await this.aliasesOf(functionId)).get(name) ?? null;
  }

  /**
   * The version one call through `aliasName` runs: a weighted pick, sticky when a routing key
   * is given (the same key lands on the same route while the weights stay); null when the
   * function has no such alias. Reads memory only, once the function's aliases are cached.
   */
  async choose(fn: Pick<FunctionRecord, 'id'>, aliasName: string, routingKey?: string): Promise<AliasChoice | null> {
    const alias = (await this.aliasesOf(fn.id)).get(aliasName);
    if (!alias) return null;
    return { alias, ...chooseRoute(alias, routingKey) };
  }

  private async assertRunnableVersions(fn: FunctionRecord, targets: Array<{ version: string; field: string }>): Promise<void> {
    const details: ErrorDetail[] = [];
    for (const { version, field } of targets) {
      const record = await this.versions.findByVersion(fn.id, version);
      if (!record) details.push({ field, message: `${fn.name} has no version ${version}` });
      else if (record.buildStatus === 'FAILED') details.push({ field, message: `version ${version} failed its build and cannot run` });
    }
    if (details.length > 0) throw new ValidationError(`Invalid alias: ${details[0]!.field}: ${details[0]!.message}`, details);
  }

  private async aliasesOf(functionId: string): Promise<ReadonlyMap<string, AliasRecord>> {
    const cached = this.byFunction.get(functionId);
    if (cached) return cached;
    const generation = this.generation;
    const loaded = new Map((await this.aliases.list(functionId)).map((record) => [record.name, record]));
    if (generation === this.generation) this.byFunction.set(functionId, loaded);
    return loaded;
  }

  /** Awaited: when a change is acknowledged, this node routes by it and every other node has been told. */
  private async announce(event: AliasChangedEvent): Promise<void> {
    this.forget(event.functionId);
    await this.events.publish(aliasesChangedChannel, event);
  }

  private forget(functionId: string): void {
    this.generation += 1;
    this.byFunction.delete(functionId);
  }

  private forgetAll(): void {
    this.generation += 1;
    this.byFunction.clear();
  }
}

/** An alias as the audit log keeps it: its routes and shadow as JSON text (details are flat). */
function describe(record: AliasRecord | null): string | null {
  return record === null ? null : JSON.stringify({ routes: record.routes, shadow: record.shadow });
}
