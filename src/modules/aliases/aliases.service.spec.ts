import { beforeEach, describe, expect, it, type Mocked } from 'vitest';
import { MemoryEventBus } from '@/adapters/events/memory/memory-event-bus.js';
import { type Actor, NO_ORIGIN } from '@/kernel/identity/principal.js';
import type { Role } from '@/kernel/identity/roles.js';
import { AuditService } from '@/modules/audit/audit.service.js';
import { FunctionAccessPolicy } from '@/modules/functions/function-access.policy.js';
import type { FunctionRecord } from '@/modules/functions/function.record.js';
import { FunctionsService } from '@/modules/functions/functions.service.js';
import type { FunctionVersionRecord } from '@/modules/versions/version.record.js';
import { VersionsService } from '@/modules/versions/versions.service.js';
import { automock } from '../../../test/support/automock.js';
import { RecordedErrors } from '../../../test/support/recorded-errors.js';
import { aliasesChangedChannel } from './alias.channels.js';
import type { AliasRecord } from './alias.record.js';
import { AliasRepository } from './alias.repository.js';
import { AliasesService } from './aliases.service.js';

/** The port as a map, counting the reads that reach it (what the cache is meant to save). */
class CountingAliasRepository extends AliasRepository {
  readonly records = new Map<string, AliasRecord>();
  listCalls = 0;

  async list(functionId: string): Promise<AliasRecord[]> {
    this.listCalls += 1;
    return [...this.records.values()].filter((record) => record.functionId === functionId).sort((a, b) => a.name.localeCompare(b.name));
  }
  async listByFunctionIds(functionIds: readonly string[]): Promise<AliasRecord[]> {
    return [...this.records.values()].filter((record) => functionIds.includes(record.functionId));
  }
  async find(functionId: string, name: string): Promise<AliasRecord | null> {
    return this.records.get(`${functionId}:${name}`) ?? null;
  }
  async save(record: AliasRecord): Promise<void> {
    const before = this.records.get(`${record.functionId}:${record.name}`);
    this.records.set(`${record.functionId}:${record.name}`, { ...record, createdAt: before?.createdAt ?? record.createdAt });
  }
  async delete(functionId: string, name: string): Promise<boolean> {
    return this.records.delete(`${functionId}:${name}`);
  }
}

const as = (subject: string, ...roles: Role[]): Actor => ({ principal: { kind: 'apiKey', subject, roles }, origin: NO_ORIGIN });
const dora = as('dora', 'developer');

const fn = {
  id: 'f-1',
  name: 'greet',
  ownerId: 'dora',
  permissions: { public: false, allowedUsers: [], executionRoles: [] },
  deletedAt: null,
} as unknown as FunctionRecord;
const version = (v: string, buildStatus: FunctionVersionRecord['buildStatus'] = 'READY') => ({ version: v, buildStatus }) as FunctionVersionRecord;

describe(AliasesService.name, () => {
  let repository: CountingAliasRepository;
  let functions: Mocked<FunctionsService>;
  let versions: Mocked<VersionsService>;
  let audit: Mocked<AuditService>;
  let events: MemoryEventBus;
  let sut: AliasesService;

  beforeEach(async () => {
    repository = new CountingAliasRepository();
    functions = automock(FunctionsService);
    versions = automock(VersionsService);
    audit = automock(AuditService);
    events = new MemoryEventBus(new RecordedErrors());
    functions.getActive.mockResolvedValue(fn);
    versions.findByVersion.mockImplementation(async (_functionId, v) =>
      ['1.0.0', '1.1.0'].includes(v) ? version(v) : v === '1.2.0' ? version(v, 'FAILED') : null,
    );
    audit.record.mockResolvedValue();
    sut = new AliasesService(repository, functions, versions, new FunctionAccessPolicy(), audit, events);
    await sut.onModuleInit();
  });

  it('routes from memory: one storage read per function, then none per call', async () => {
    await sut.set(dora, { functionId: 'f-1', name: 'prod', routes: [{ version: '1.0.0', weight: 100 }] });
    const reads = repository.listCalls;
    for (let call = 0; call < 100; call += 1) expect((await sut.choose(fn, 'prod'))?.version).toBe('1.0.0');
    expect(await sut.choose(fn, 'default')).toBeNull();
    expect(repository.listCalls - reads).toBe(1);
  });

  it('forgets a function’s aliases when another node announces a change', async () => {
    await sut.set(dora, { functionId: 'f-1', name: 'prod', routes: [{ version: '1.0.0', weight: 100 }] });
    expect((await sut.choose(fn, 'prod'))?.version).toBe('1.0.0');
    // Another node wrote to the shared store and announced it.
    repository.records.set('f-1:prod', { ...repository.records.get('f-1:prod')!, routes: [{ version: '1.1.0', weight: 100 }] });
    expect((await sut.choose(fn, 'prod'))?.version).toBe('1.0.0');
    await events.publish(aliasesChangedChannel, { functionId: 'f-1', name: 'prod', kind: 'set' });
    expect((await sut.choose(fn, 'prod'))?.version).toBe('1.1.0');
  });

  it('applies its own changes at once, and audits them with before and after', async () => {
    await sut.set(dora, { functionId: 'f-1', name: 'prod', routes: [{ version: '1.0.0', weight: 100 }] });
    expect((await sut.choose(fn, 'prod'))?.version).toBe('1.0.0');
    await sut.set(dora, { functionId: 'f-1', name: 'prod', routes: [{ version: '1.1.0', weight: 100 }], shadow: { version: '1.0.0', percent: 100 } });
    expect(await sut.choose(fn, 'prod')).toMatchObject({ version: '1.1.0', shadowVersion: '1.0.0' });
    expect(await sut.delete(dora, 'f-1', 'prod')).toBe(true);
    expect(await sut.choose(fn, 'prod')).toBeNull();
    expect(audit.record.mock.calls.map(([, action, , details]) => [action, details?.before === null, details?.after === null])).toEqual([
      ['alias.set', true, false],
      ['alias.set', false, false],
      ['alias.delete', false, true],
    ]);
  });

  it('refuses missing and FAILED versions, naming the field, and stores nothing', async () => {
    await expect(
      sut.set(dora, {
        functionId: 'f-1',
        name: 'prod',
        routes: [
          { version: '9.9.9', weight: 50 },
          { version: '1.2.0', weight: 50 },
        ],
      }),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: [{ field: 'routes.0.version' }, { field: 'routes.1.version' }] });
    expect(repository.records.size).toBe(0);
  });

  it('lets only those who manage the function change its aliases', async () => {
    await expect(sut.set(as('eve', 'developer'), { functionId: 'f-1', name: 'prod', routes: [{ version: '1.0.0', weight: 100 }] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(sut.set(as('dora', 'viewer'), { functionId: 'f-1', name: 'prod', routes: [{ version: '1.0.0', weight: 100 }] })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(sut.delete({ principal: { kind: 'anonymous', subject: null, roles: [] }, origin: NO_ORIGIN }, 'f-1', 'prod')).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });
});
