import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '@/kernel/errors/domain-error.js';
import { newId } from '@/kernel/ids/new-id.js';
import type { FunctionRecord } from '@/modules/functions/function.record.js';
import { FunctionRepository, type FunctionHeadUpdate } from '@/modules/functions/function.repository.js';
import type { InvocationRecord, InvocationStatus } from '@/modules/invocations/invocation.record.js';
import { IdempotencyKeys } from '@/modules/invocations/idempotency-keys.js';
import { InvocationRepository } from '@/modules/invocations/invocation.repository.js';
import { NodeRegistry } from '@/modules/invocations/node-registry.js';
import { DEFAULT_ASYNC_POLICY, type FunctionVersionRecord } from '@/modules/versions/version.record.js';
import { VersionRepository } from '@/modules/versions/version.repository.js';
import type { AliasRecord } from '@/modules/aliases/alias.record.js';
import { AliasRepository } from '@/modules/aliases/alias.repository.js';

export interface StorageUnderTest {
  functions: FunctionRepository;
  versions: VersionRepository;
  invocations: InvocationRepository;
  nodes: NodeRegistry;
  idempotencyKeys: IdempotencyKeys;
  aliases: AliasRepository;
  /** Releases everything the factory opened (and drops what it created, where it can). */
  cleanup(): Promise<void>;
}

/**
 * The storage contract every adapter must meet, written against the ports only.
 * One storage instance serves the whole suite, so every test works on its own names
 * and ids (a random prefix) and never assumes the store is empty.
 */
export function storageContract(adapter: string, open: () => Promise<StorageUnderTest>): void {
  describe(`storage contract: ${adapter}`, () => {
    let storage: StorageUnderTest | undefined;
    const store = (): StorageUnderTest => {
      if (!storage) throw new Error('storage was not opened');
      return storage;
    };

    beforeAll(async () => {
      storage = await open();
    });

    afterAll(async () => {
      await storage?.cleanup();
    });

    describe('FunctionRepository', () => {
      it('round-trips every field, with nulls and empty lists', async () => {
        const { functions } = store();
        const bare = aFunction({ ownerId: null, author: null, tags: [], description: '' });
        bare.permissions = { public: false, allowedUsers: [], executionRoles: [] };
        const full = aFunction({
          ownerId: 'user-1',
          author: 'Ada <ada@example.com>',
          tags: ['web', 'beta'],
          description: 'Says hello — in ünïcode 👋',
          language: 'python',
          runtime: 'python3.11',
          permissions: { public: true, allowedUsers: ['u1', 'u2'], executionRoles: ['admin'] },
          schedules: [
            { id: 'nightly', cron: '0 3 * * *', timezone: 'Europe/Paris', payload: { report: 'daily', ids: [1, 2], nested: { deep: true } }, enabled: true },
            { id: 'cron-0123456789', cron: '*/5 * * * * *', timezone: 'UTC', payload: 'plain text', enabled: false },
            { id: 'empty', cron: '0 0 1 * *', timezone: 'UTC', payload: null, enabled: true },
          ],
          latestVersion: '2.10.0-rc.1',
          versionCount: 7,
        });
        await functions.insert(bare);
        await functions.insert(full);

        const foundBare = await functions.findById(bare.id);
        const foundFull = await functions.findById(full.id);
        expect(foundBare).toStrictEqual(bare);
        expect(foundFull).toStrictEqual(full);
        expect(foundFull?.createdAt).toBeInstanceOf(Date);
        expect(await functions.findByName(full.name)).toStrictEqual(full);
      });

      it('returns null or nothing for unknown ids and names', async () => {
        const { functions } = store();
        expect(await functions.findById(newId())).toBeNull();
        expect(await functions.findByName(`missing-${newId()}`)).toBeNull();
        expect(await functions.findByIds([])).toEqual([]);
        expect(await functions.findByIds([newId()])).toEqual([]);
      });

      it('rejects a second active function with the same name', async () => {
        const { functions } = store();
        const first = aFunction();
        await functions.insert(first);
        const clash = aFunction({ name: first.name });
        await expect(functions.insert(clash)).rejects.toBeInstanceOf(ConflictError);
        expect(await functions.findById(clash.id)).toBeNull();
        expect(await functions.findByName(first.name)).toStrictEqual(first);
      });

      it('hides deleted functions from findByName and frees their name, keeps them for findById', async () => {
        const { functions } = store();
        const original = aFunction();
        await functions.insert(original);
        const deletedAt = new Date('2030-01-02T03:04:05.678Z');

        expect(await functions.markDeleted(original.id, deletedAt)).toBe(true);
        expect(await functions.markDeleted(original.id, new Date())).toBe(false);
        expect(await functions.markDeleted(newId(), new Date())).toBe(false);
        expect(await functions.findByName(original.name)).toBeNull();
        expect(await functions.findById(original.id)).toStrictEqual({ ...original, deletedAt });

        const successor = aFunction({ name: original.name });
        await functions.insert(successor);
        expect(await functions.findByName(original.name)).toStrictEqual(successor);
        // Deleting the successor too must not clash with the first deleted one.
        expect(await functions.markDeleted(successor.id, new Date())).toBe(true);
        const third = aFunction({ name: original.name });
        await functions.insert(third);
        expect((await functions.findByName(original.name))?.id).toBe(third.id);
      });

      it("keeps deleted functions' names as tombstones until released", async () => {
        const { functions } = store();
        const first = aFunction({ ownerId: 'alice', latestVersion: '1.2.0' });
        await functions.insert(first);
        const live = aFunction({ name: first.name, ownerId: 'alice' });
        expect(await functions.findTombstones(first.name)).toEqual([]);
        await functions.markDeleted(first.id, new Date());
        await functions.insert(live);
        expect(await functions.findTombstones(first.name)).toEqual([{ ownerId: 'alice', latestVersion: '1.2.0', releasedAt: null }]);
        const at = new Date('2030-05-06T07:08:09.010Z');
        expect(await functions.releaseName(first.name, at)).toBe(1);
        expect(await functions.releaseName(first.name, new Date())).toBe(0);
        // The live function is no tombstone; a released tombstone keeps its version (numbering continues after it).
        expect(await functions.findTombstones(first.name)).toEqual([{ ownerId: 'alice', latestVersion: '1.2.0', releasedAt: at }]);
        expect(await functions.releaseName(aFunction().name, new Date())).toBe(0);
      });

      it('finds by ids, deleted ones included, each once', async () => {
        const { functions } = store();
        const alive = aFunction();
        const deleted = aFunction();
        await functions.insert(alive);
        await functions.insert(deleted);
        await functions.markDeleted(deleted.id, new Date());

        const found = await functions.findByIds([alive.id, deleted.id, alive.id, newId()]);
        expect(found.map((f) => f.id).sort()).toEqual([alive.id, deleted.id].sort());
        expect(found.find((f) => f.id === deleted.id)?.deletedAt).toBeInstanceOf(Date);
      });

      it('filters by name prefix literally, whatever LIKE or regex would make of it', async () => {
        const { functions } = store();
        const p = uniquePrefix();
        const names = ['a_b', 'axb', 'a%c', 'abc', 'a.*z', 'aXz', 'A_b', 'a\\d', 'a1', 'a(b', 'a[b]', 'b'].map((n) => p + n);
        for (const name of names) await functions.insert(aFunction({ name }));

        const namesFor = async (namePrefix: string) => (await functions.list({ namePrefix }, { first: 100 })).items.map((f) => f.name);

        expect(await namesFor(`${p}a_`)).toEqual([`${p}a_b`]);
        expect(await namesFor(`${p}a%`)).toEqual([`${p}a%c`]);
        expect(await namesFor(`${p}a.*`)).toEqual([`${p}a.*z`]);
        expect(await namesFor(`${p}a\\`)).toEqual([`${p}a\\d`]);
        expect(await namesFor(`${p}a(`)).toEqual([`${p}a(b`]);
        expect(await namesFor(`${p}a[`)).toEqual([`${p}a[b]`]);
        expect(await namesFor(`${p}A`)).toEqual([`${p}A_b`]);
        expect(await namesFor(`${p}zzz`)).toEqual([]);
        expect(await namesFor(p)).toEqual([...names].sort(compareCodeUnits));
      });

      it('filters by one exact tag and by language, and lists active functions only', async () => {
        const { functions } = store();
        const p = uniquePrefix();
        const web = aFunction({ name: `${p}web`, tags: ['web', 'webhook'] });
        const webApi = aFunction({ name: `${p}web-api`, tags: ['web-api'] });
        const py = aFunction({ name: `${p}py`, tags: ['web'], language: 'python', runtime: 'python3.12' });
        const gone = aFunction({ name: `${p}gone`, tags: ['web'] });
        for (const f of [web, webApi, py, gone]) await functions.insert(f);
        await functions.markDeleted(gone.id, new Date());

        const idsFor = async (filter: Parameters<FunctionRepository['list']>[0]) =>
          (await functions.list({ namePrefix: p, ...filter }, { first: 100 })).items.map((f) => f.id);

        expect(await idsFor({ tag: 'web' })).toEqual([py.id, web.id]);
        expect(await idsFor({ tag: 'webhook' })).toEqual([web.id]);
        expect(await idsFor({ tag: 'we' })).toEqual([]);
        expect(await idsFor({ tag: 'web-api' })).toEqual([webApi.id]);
        expect(await idsFor({ language: 'python' })).toEqual([py.id]);
        expect(await idsFor({ language: 'javascript', tag: 'web' })).toEqual([web.id]);
        expect(await idsFor({})).toEqual([py.id, web.id, webApi.id]);
      });

      it('pages through the list by name without duplicates or gaps', async () => {
        const { functions } = store();
        const p = uniquePrefix();
        const names = ['e', 'b', 'd', 'a', 'c'].map((n) => p + n);
        for (const name of names) await functions.insert(aFunction({ name }));

        const seen: string[] = [];
        const hasMores: boolean[] = [];
        let after: string | undefined;
        for (let guard = 0; guard < 10; guard += 1) {
          const page = await functions.list({ namePrefix: p }, { first: 2, after });
          seen.push(...page.items.map((f) => f.name));
          hasMores.push(page.hasMore);
          if (!page.hasMore) break;
          after = page.items.at(-1)?.name;
        }
        expect(seen).toEqual([...names].sort());
        expect(hasMores).toEqual([true, true, false]);

        expect((await functions.list({ namePrefix: p }, { first: 5 })).hasMore).toBe(false);
        expect((await functions.list({ namePrefix: p }, { first: 4 })).hasMore).toBe(true);
        const last = await functions.list({ namePrefix: p }, { first: 2, after: `${p}e` });
        expect(last).toEqual({ items: [], hasMore: false });
      });

      it('moves the head only from the expected version count (optimistic concurrency)', async () => {
        const { functions } = store();
        const p = uniquePrefix();
        const record = aFunction({ name: `${p}head`, tags: ['old-tag'], versionCount: 1 });
        await functions.insert(record);
        const update: FunctionHeadUpdate = {
          latestVersion: '1.1.0',
          latestVersionId: newId(),
          versionCount: 2,
          updatedAt: new Date('2031-05-06T07:08:09.010Z'),
          description: 'second',
          language: 'typescript',
          runtime: 'nodejs22',
          author: null,
          tags: ['new-tag'],
          permissions: { public: true, allowedUsers: ['x'], executionRoles: [] },
          schedules: [{ id: 'hourly', cron: '0 * * * *', timezone: 'UTC', payload: [1, 'two'], enabled: true }],
        };

        expect(await functions.updateHead(record.id, 1, update)).toBe(true);
        const expected: FunctionRecord = { ...record, ...update };
        expect(await functions.findById(record.id)).toStrictEqual(expected);

        // A writer that read the function before the update is now stale.
        expect(await functions.updateHead(record.id, 1, { ...update, latestVersion: '9.9.9', versionCount: 2 })).toBe(false);
        expect(await functions.findById(record.id)).toStrictEqual(expected);

        // The tag filter follows the new tags.
        const tagged = async (tag: string) => (await functions.list({ namePrefix: p, tag }, { first: 10 })).items.map((f) => f.id);
        expect(await tagged('new-tag')).toEqual([record.id]);
        expect(await tagged('old-tag')).toEqual([]);

        expect(await functions.updateHead(newId(), 0, update)).toBe(false);
        await functions.markDeleted(record.id, new Date());
        expect(await functions.updateHead(record.id, 2, { ...update, versionCount: 3 })).toBe(false);
        expect((await functions.findById(record.id))?.versionCount).toBe(2);
      });

      it('lists the active functions with an enabled schedule, following updates and deletion', async () => {
        const { functions } = store();
        const p = uniquePrefix();
        const enabled = { id: 'on', cron: '0 * * * *', timezone: 'UTC', payload: null, enabled: true };
        const disabled = { ...enabled, id: 'off', enabled: false };
        const scheduled = aFunction({ name: `${p}scheduled`, schedules: [disabled, enabled] });
        const paused = aFunction({ name: `${p}paused`, schedules: [disabled] });
        const plain = aFunction({ name: `${p}plain` });
        for (const record of [scheduled, paused, plain]) await functions.insert(record);
        const listed = async () => (await functions.listScheduled()).filter((f) => f.name.startsWith(p));
        expect(await listed()).toStrictEqual([scheduled]);

        const head = (record: FunctionRecord, schedules: FunctionRecord['schedules']): FunctionHeadUpdate => ({
          ...record,
          schedules,
          versionCount: record.versionCount + 1,
        });
        expect(await functions.updateHead(paused.id, 1, head(paused, [enabled]))).toBe(true);
        expect(await functions.updateHead(scheduled.id, 1, head(scheduled, []))).toBe(true);
        expect((await listed()).map((f) => f.id)).toEqual([paused.id]);
        await functions.markDeleted(paused.id, new Date());
        expect(await listed()).toEqual([]);
      });

      it('removes a record for good', async () => {
        const { functions } = store();
        const p = uniquePrefix();
        const record = aFunction({ name: `${p}gone`, tags: ['removed'] });
        await functions.insert(record);
        await functions.remove(record.id);
        await functions.remove(record.id);
        expect(await functions.findById(record.id)).toBeNull();
        expect(await functions.findByName(record.name)).toBeNull();
        expect((await functions.list({ namePrefix: p, tag: 'removed' }, { first: 10 })).items).toEqual([]);
        await functions.insert(aFunction({ name: record.name }));
      });
    });

    describe('VersionRepository', () => {
      it('round-trips every field, binary sealed box included', async () => {
        const { versions } = store();
        const full = aVersion({
          dependencies: { 'lodash.merge': '^4.6.2', '@scope/pkg': '1.x', $weird: '*' },
          environmentVariableNames: ['API_URL', 'TOKEN'],
          author: 'Ada',
          buildStatus: 'READY',
          buildLog: 'compiled in 12 ms\nok',
          timeoutSeconds: 2.5,
          asyncPolicy: { maxAttempts: 10, retryBackoffSeconds: 0, maxEventAgeSeconds: 86400, onSuccess: 'notify-ok', onFailure: 'notify_failed' },
          eventFormat: 'aws-apigw-v2',
          // JSON Schema keywords start with `$`, which document stores refuse in field names.
          contract: {
            input: {
              $schema: 'https://json-schema.org/draft/2020-12/schema',
              type: 'object',
              properties: { width: { $ref: '#/$defs/size' } },
              $defs: { size: { type: 'integer', minimum: 1 } },
              required: ['width'],
            },
            query: { type: 'object', properties: { 'dotted.name': { type: 'string' } } },
            output: { type: 'object', properties: { url: { type: 'string' } } },
            outputMode: 'refuse',
          },
        });
        const bare = aVersion({ dependencies: {}, environmentVariableNames: [], author: null, buildLog: '', asyncPolicy: { ...DEFAULT_ASYNC_POLICY } });
        bare.sealed = { keyId: 'k0', wrappedKey: Buffer.alloc(60), ciphertext: Buffer.alloc(0) };
        await versions.insert(full);
        await versions.insert(bare);

        const foundFull = await versions.findById(full.id);
        expect(foundFull).toStrictEqual(full);
        expect(Buffer.isBuffer(foundFull?.sealed.wrappedKey)).toBe(true);
        expect(Buffer.isBuffer(foundFull?.sealed.ciphertext)).toBe(true);
        expect(await versions.findById(bare.id)).toStrictEqual(bare);
        expect(await versions.findByVersion(full.functionId, full.version)).toStrictEqual(full);
      });

      it('returns null or nothing for unknown keys', async () => {
        const { versions } = store();
        expect(await versions.findById(newId())).toBeNull();
        expect(await versions.findByVersion(newId(), '1.0.0')).toBeNull();
        expect(await versions.findByIds([])).toEqual([]);
        expect(await versions.listByFunctionIds([])).toEqual([]);
        expect(await versions.listByFunctionIds([newId()])).toEqual([]);
      });

      it('rejects a duplicate version or sequence of the same function only', async () => {
        const { versions } = store();
        const functionId = newId();
        await versions.insert(aVersion({ functionId, sequence: 1, version: '1.0.0' }));

        await expect(versions.insert(aVersion({ functionId, sequence: 2, version: '1.0.0' }))).rejects.toBeInstanceOf(ConflictError);
        await expect(versions.insert(aVersion({ functionId, sequence: 1, version: '1.0.1' }))).rejects.toBeInstanceOf(ConflictError);
        await versions.insert(aVersion({ functionId, sequence: 2, version: '1.0.1' }));
        await versions.insert(aVersion({ functionId: newId(), sequence: 1, version: '1.0.0' }));
        expect((await versions.listByFunctionIds([functionId])).map((v) => v.version)).toEqual(['1.0.1', '1.0.0']);
      });

      it('lists the versions of several functions, newest first within each', async () => {
        const { versions } = store();
        const f1 = newId();
        const f2 = newId();
        const other = newId();
        const inserted = [
          aVersion({ functionId: f1, sequence: 2, version: '1.1.0' }),
          aVersion({ functionId: f2, sequence: 1, version: '0.1.0' }),
          aVersion({ functionId: f1, sequence: 1, version: '1.0.0' }),
          aVersion({ functionId: other, sequence: 1, version: '1.0.0' }),
          aVersion({ functionId: f1, sequence: 10, version: '1.10.0' }),
          aVersion({ functionId: f2, sequence: 2, version: '0.2.0' }),
        ];
        for (const v of inserted) await versions.insert(v);

        const listed = await versions.listByFunctionIds([f2, f1, f1]);
        expect(listed).toHaveLength(5);
        expect(listed.filter((v) => v.functionId === f1).map((v) => v.sequence)).toEqual([10, 2, 1]);
        expect(listed.filter((v) => v.functionId === f2).map((v) => v.sequence)).toEqual([2, 1]);
        expect(listed.every((v) => v.functionId !== other)).toBe(true);
        expect(listed.find((v) => v.sequence === 10)).toStrictEqual(inserted[4]);
      });

      it('finds by ids, each once', async () => {
        const { versions } = store();
        const a = aVersion();
        const b = aVersion();
        await versions.insert(a);
        await versions.insert(b);
        const found = await versions.findByIds([b.id, a.id, b.id, newId()]);
        expect(found.map((v) => v.id).sort()).toEqual([a.id, b.id].sort());
      });

      it('records the build result and nothing else', async () => {
        const { versions } = store();
        const version = aVersion({ buildStatus: 'BUILDING', buildLog: '' });
        await versions.insert(version);
        await versions.setBuildResult(version.id, 'FAILED', 'error TS2304: Cannot find name "x"');
        expect(await versions.findById(version.id)).toStrictEqual({
          ...version,
          buildStatus: 'FAILED',
          buildLog: 'error TS2304: Cannot find name "x"',
        });
        await versions.setBuildResult(newId(), 'READY', '');
      });

      it('finds versions by build status, oldest first, up to a limit', async () => {
        const { versions } = store();
        // Older than anything other tests store, so these come first whatever else is there.
        const at = (second: number) => new Date(Date.UTC(1971, 0, 1, 0, 0, second));
        const building = [3, 1, 2].map((second) => aVersion({ buildStatus: 'BUILDING', createdAt: at(second) }));
        const ready = aVersion({ buildStatus: 'READY', createdAt: at(0) });
        const failed = aVersion({ buildStatus: 'FAILED', createdAt: at(0), buildLog: 'npm error 404' });
        for (const version of [...building, ready, failed]) await versions.insert(version);

        const oldest = await versions.findByBuildStatus('BUILDING', 2);
        expect(oldest.map((v) => v.id)).toEqual([building[1]!.id, building[2]!.id]);
        expect(oldest[0]).toStrictEqual(building[1]);

        const failures = await versions.findByBuildStatus('FAILED', 10_000);
        expect(failures.map((v) => v.id)).toContain(failed.id);
        expect(failures.every((v) => v.buildStatus === 'FAILED')).toBe(true);

        await versions.setBuildResult(building[1]!.id, 'READY', 'done');
        expect((await versions.findByBuildStatus('BUILDING', 1)).map((v) => v.id)).toEqual([building[2]!.id]);
        expect((await versions.findByBuildStatus('READY', 10_000)).map((v) => v.id)).toEqual(expect.arrayContaining([ready.id, building[1]!.id]));
      });

      it('replaces the sealed box and reports key ids for rotation', async () => {
        const { versions } = store();
        const version = aVersion();
        const untouched = aVersion();
        await versions.insert(version);
        await versions.insert(untouched);
        const rewrapped = { keyId: `rotated-${newId()}`, wrappedKey: randomBytes(60), ciphertext: version.sealed.ciphertext };

        await versions.replaceSealed(version.id, rewrapped);
        expect(await versions.findById(version.id)).toStrictEqual({ ...version, sealed: rewrapped });
        expect(await versions.findById(untouched.id)).toStrictEqual(untouched);

        const keyIds = await versions.listSealedKeyIds();
        expect(keyIds).toContainEqual({ id: version.id, keyId: rewrapped.keyId });
        expect(keyIds).toContainEqual({ id: untouched.id, keyId: untouched.sealed.keyId });
        expect(new Set(keyIds.map((k) => k.id)).size).toBe(keyIds.length);
        for (const entry of keyIds) expect(Object.keys(entry).sort()).toEqual(['id', 'keyId']);
      });

      it('removes a record for good, freeing its version and sequence', async () => {
        const { versions } = store();
        const version = aVersion();
        await versions.insert(version);
        await versions.remove(version.id);
        expect(await versions.findById(version.id)).toBeNull();
        expect(await versions.findByVersion(version.functionId, version.version)).toBeNull();
        await versions.insert(aVersion({ functionId: version.functionId, sequence: version.sequence, version: version.version }));
      });
    });

    describe('AliasRepository', () => {
      it('round-trips every field, with and without a shadow', async () => {
        const { aliases } = store();
        const functionId = newId();
        const weighted = anAlias({
          functionId,
          name: 'prod',
          routes: [
            { version: '1.4.0', weight: 90 },
            { version: '1.5.0-rc.1', weight: 10 },
          ],
          shadow: { version: '2.0.0', percent: 12.5 },
          updatedBy: 'user-1',
        });
        const plain = anAlias({ functionId, name: 'default', updatedBy: null });
        await aliases.save(weighted);
        await aliases.save(plain);
        expect(await aliases.find(functionId, 'prod')).toStrictEqual(weighted);
        expect(await aliases.find(functionId, 'default')).toStrictEqual(plain);
        expect(await aliases.find(functionId, 'missing')).toBeNull();
        expect(await aliases.find(newId(), 'prod')).toBeNull();
      });

      it('replaces on a second save, keeping when it was created', async () => {
        const { aliases } = store();
        const first = anAlias({ name: 'prod' });
        await aliases.save(first);
        const second: AliasRecord = {
          ...first,
          routes: [
            { version: '1.0.0', weight: 0 },
            { version: '1.1.0', weight: 100 },
          ],
          shadow: null,
          createdAt: new Date('2031-01-01T00:00:00.000Z'),
          updatedAt: new Date('2031-02-02T02:02:02.202Z'),
          updatedBy: 'someone-else',
        };
        await aliases.save(second);
        expect(await aliases.find(first.functionId, 'prod')).toStrictEqual({ ...second, createdAt: first.createdAt });
        expect(await aliases.list(first.functionId)).toHaveLength(1);
      });

      it("lists a function's aliases by name, and several functions' at once", async () => {
        const { aliases } = store();
        const one = newId();
        const two = newId();
        for (const name of ['staging', 'canary', 'prod']) await aliases.save(anAlias({ functionId: one, name }));
        await aliases.save(anAlias({ functionId: two, name: 'prod' }));
        expect((await aliases.list(one)).map((alias) => alias.name)).toEqual(['canary', 'prod', 'staging']);
        expect(await aliases.list(newId())).toEqual([]);
        const both = await aliases.listByFunctionIds([one, two, newId()]);
        expect(both.map((alias) => `${alias.functionId === one ? 'one' : 'two'}:${alias.name}`).sort()).toEqual([
          'one:canary',
          'one:prod',
          'one:staging',
          'two:prod',
        ]);
        expect(await aliases.listByFunctionIds([])).toEqual([]);
      });

      it('deletes one alias, and says whether there was one', async () => {
        const { aliases } = store();
        const kept = anAlias({ name: 'prod' });
        const removed = anAlias({ functionId: kept.functionId, name: 'staging' });
        await aliases.save(kept);
        await aliases.save(removed);
        expect(await aliases.delete(kept.functionId, 'staging')).toBe(true);
        expect(await aliases.delete(kept.functionId, 'staging')).toBe(false);
        expect(await aliases.delete(newId(), 'prod')).toBe(false);
        expect(await aliases.find(kept.functionId, 'staging')).toBeNull();
        expect(await aliases.list(kept.functionId)).toStrictEqual([kept]);
      });
    });

    describe('NodeRegistry', () => {
      it('tells live nodes from dead ones by their last heartbeat, and forgets removed ones', async () => {
        const { nodes } = store();
        const [a, b] = [`node-${newId()}`, `node-${newId()}`];
        const now = Date.now();
        await nodes.heartbeat(a, 'all', new Date(now - 60_000));
        await nodes.heartbeat(b, 'worker', new Date(now - 60_000));
        await nodes.heartbeat(b, 'worker', new Date(now));
        const since = new Date(now - 30_000);
        expect(await nodes.liveNodeIds(since)).toContain(b);
        expect(await nodes.liveNodeIds(since)).not.toContain(a);
        expect(await nodes.deadNodeIds(since)).toContain(a);
        expect(await nodes.deadNodeIds(since)).not.toContain(b);
        await nodes.remove(a);
        expect(await nodes.deadNodeIds(since)).not.toContain(a);
      });
    });

    describe('IdempotencyKeys', () => {
      it('claims a key once per scope until it expires, then for the next claimant', async () => {
        const { idempotencyKeys } = store();
        const scope = `f-${newId()}:caller`;
        const now = new Date();
        const later = new Date(now.getTime() + 60_000);
        const [first, second, third] = [newId(), newId(), newId()];
        expect(await idempotencyKeys.claim(scope, 'k1', first, later, now)).toBe(first);
        expect(await idempotencyKeys.claim(scope, 'k1', second, later, now)).toBe(first);
        // Another scope (caller or function) is another key.
        expect(await idempotencyKeys.claim(`${scope}-other`, 'k1', second, later, now)).toBe(second);
        // Expired: the next claimant takes it.
        expect(await idempotencyKeys.claim(scope, 'k1', third, new Date(later.getTime() + 60_000), new Date(later.getTime() + 1))).toBe(third);
      });

      it('races: of many claims at once exactly one wins', async () => {
        const { idempotencyKeys } = store();
        const scope = `f-${newId()}:caller`;
        const now = new Date();
        const ids = Array.from({ length: 8 }, () => newId());
        const holders = await Promise.all(ids.map((id) => idempotencyKeys.claim(scope, 'race', id, new Date(now.getTime() + 60_000), now)));
        expect(new Set(holders).size).toBe(1);
        expect(ids).toContain(holders[0]);
      });

      it('releases a key only for its holder, and deletes expired keys', async () => {
        const { idempotencyKeys } = store();
        const scope = `f-${newId()}:caller`;
        const now = new Date();
        const [holder, other] = [newId(), newId()];
        await idempotencyKeys.claim(scope, 'k', holder, new Date(now.getTime() + 1000), now);
        await idempotencyKeys.release(scope, 'k', other);
        expect(await idempotencyKeys.claim(scope, 'k', other, new Date(now.getTime() + 1000), now)).toBe(holder);
        await idempotencyKeys.release(scope, 'k', holder);
        expect(await idempotencyKeys.claim(scope, 'k', other, new Date(now.getTime() + 1000), now)).toBe(other);
        expect(await idempotencyKeys.deleteExpired(new Date(now.getTime() + 2000))).toBeGreaterThanOrEqual(1);
        expect(await idempotencyKeys.claim(scope, 'k', holder, new Date(now.getTime() + 5000), now)).toBe(holder);
      });
    });

    describe('FunctionRepository visibility filter', () => {
      it('lists only functions owned by, shared with, or executable by the user', async () => {
        const { functions } = store();
        const p = uniquePrefix();
        const user = `user-${newId()}`;
        const owned = aFunction({ name: `${p}owned`, ownerId: user });
        const shared = aFunction({ name: `${p}shared`, ownerId: 'other', permissions: { public: false, allowedUsers: ['x', user], executionRoles: [] } });
        const byRole = aFunction({ name: `${p}role`, ownerId: 'other', permissions: { public: false, allowedUsers: [], executionRoles: ['invoker'] } });
        const hidden = aFunction({
          name: `${p}hidden`,
          ownerId: 'other',
          permissions: { public: true, allowedUsers: [`${user}x`], executionRoles: ['admin'] },
        });
        for (const record of [owned, shared, byRole, hidden]) await functions.insert(record);
        const names = async (roles: string[]) =>
          (await functions.list({ namePrefix: p, visibleTo: { subject: user, roles } }, { first: 100 })).items.map((f) => f.name);
        expect(await names(['invoker'])).toEqual([`${p}owned`, `${p}role`, `${p}shared`]);
        expect(await names(['viewer'])).toEqual([`${p}owned`, `${p}shared`]);
        expect(await names([])).toEqual([`${p}owned`, `${p}shared`]);
        expect((await functions.list({ namePrefix: p }, { first: 100 })).items).toHaveLength(4);
      });

      it('lists public functions alone, or besides those the user may see', async () => {
        const { functions } = store();
        const p = uniquePrefix();
        const user = `user-${newId()}`;
        const open = { public: true, allowedUsers: [], executionRoles: [] };
        const closed = { public: false, allowedUsers: [], executionRoles: [] };
        await functions.insert(aFunction({ name: `${p}owned`, ownerId: user, permissions: closed }));
        await functions.insert(aFunction({ name: `${p}public`, ownerId: 'other', permissions: open }));
        await functions.insert(aFunction({ name: `${p}private`, ownerId: 'other', permissions: closed }));
        const names = async (filter: Record<string, unknown>) => (await functions.list({ namePrefix: p, ...filter }, { first: 100 })).items.map((f) => f.name);
        expect(await names({ public: true })).toEqual([`${p}public`]);
        expect(await names({ public: true, visibleTo: { subject: user, roles: [] } })).toEqual([`${p}owned`, `${p}public`]);
        expect(await names({ public: false })).toEqual([`${p}owned`, `${p}private`, `${p}public`]);
      });
    });

    describe('InvocationRepository', () => {
      it('empties the payloads of records finished before the cutoff, keeping their metadata, in batches', async () => {
        const { invocations } = store();
        const longAgo = new Date('2001-01-01T00:00:00.000Z');
        const payload = {
          request: { method: 'POST', path: '/x', headers: { 'x-secret': 'h' }, query: { q: 'secret' }, body: 'secret body', isBase64Encoded: false },
          response: { secret: true },
          logs: [{ seq: 1, timestamp: longAgo, stream: 'stdout' as const, message: 'secret line' }],
          error: { type: 'Error', message: 'boom', stack: 'secret stack' },
        };
        const old = [1, 2, 3].map(() => anInvocation({ ...payload, status: 'FAILED', startedAt: longAgo, finishedAt: longAgo, durationMs: 5 }));
        const recent = anInvocation({ ...payload, status: 'SUCCEEDED', startedAt: new Date(), finishedAt: new Date() });
        const running = anInvocation({ ...payload, status: 'RUNNING', startedAt: longAgo });
        await invocations.insertAll([...old, recent, running]);
        const cutoff = new Date('2002-01-01T00:00:00.000Z');
        let emptied = 0;
        for (let n = await invocations.purgePayloads(cutoff, 2); n > 0; n = await invocations.purgePayloads(cutoff, 2)) {
          expect(n).toBeLessThanOrEqual(2);
          emptied += n;
        }
        // Other tests' records may be old too: at least ours were emptied.
        expect(emptied).toBeGreaterThanOrEqual(3);
        for (const record of old) {
          const stored = await invocations.findById(record.id);
          expect(stored).toStrictEqual({
            ...record,
            request: { method: '', path: '', headers: {}, query: {}, body: null, isBase64Encoded: false },
            response: null,
            logs: [],
            error: { type: 'Error', message: 'boom' },
          });
        }
        expect(await invocations.findById(recent.id)).toStrictEqual(recent);
        expect(await invocations.findById(running.id)).toStrictEqual(running);
        expect(await invocations.purgePayloads(cutoff, 100)).toBe(0);
      });

      it('filters by caller', async () => {
        const { invocations } = store();
        const caller = `caller-${newId()}`;
        const functionId = newId();
        const mine = [anInvocation({ functionId, callerId: caller }), anInvocation({ functionId, callerId: caller })];
        for (const record of [...mine, anInvocation({ functionId, callerId: 'someone-else' }), anInvocation({ functionId })])
          await invocations.insertAll([record]);
        expect((await invocations.list({ callerId: caller }, { first: 10 })).items.map((i) => i.id)).toEqual([mine[1]!.id, mine[0]!.id]);
        expect((await invocations.list({ functionId, callerId: caller }, { first: 1 })).hasMore).toBe(true);
        expect((await invocations.list({ functionId }, { first: 10 })).items).toHaveLength(4);
      });

      it('finds the invocation of a trace', async () => {
        const { invocations } = store();
        const traceId = randomBytes(16).toString('hex');
        const traced = anInvocation({ traceId });
        await invocations.insertAll([traced, anInvocation({ traceId: randomBytes(16).toString('hex') }), anInvocation({ traceId: null })]);
        expect((await invocations.list({ traceId }, { first: 10 })).items.map((i) => i.id)).toEqual([traced.id]);
        expect((await invocations.list({ traceId, functionId: newId() }, { first: 10 })).items).toEqual([]);
      });

      it('round-trips every field, user-keyed maps and nested JSON included', async () => {
        const { invocations } = store();
        const full = anInvocation({
          trigger: 'HTTP',
          alias: 'prod',
          callerId: 'key-1',
          status: 'FAILED',
          request: {
            method: 'POST',
            path: '/fn/hello/a.b',
            headers: { 'content-type': 'application/json', 'x.dotted': '1', $dollar: '2' },
            query: { q: 'x', list: ['1', '2'], 'a.b': '' },
            body: '{"hello":"world"}',
            isBase64Encoded: false,
          },
          requestTruncated: true,
          response: { 'a.b': [1, [2, 3]], $ref: null, nested: { ok: true, n: 1.5, s: 'é' } },
          responseTruncated: true,
          error: { type: 'TypeError', message: 'x is not a function', stack: 'TypeError: x\n    at handler (index.js:1:1)' },
          coldStart: true,
          durationMs: 12.75,
          initDurationMs: 80,
          memoryPeakBytes: 52_428_800,
          cpuTimeMs: 9.5,
          startedAt: new Date('2030-01-01T00:00:00.123Z'),
          finishedAt: new Date('2030-01-01T00:00:00.456Z'),
          nodeId: 'worker-7:1234:a1b2c3',
          attempt: 3,
          queued: true,
          comparedWith: '01900000-0000-7000-8000-000000000001',
          traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
          logs: [
            { seq: 1, timestamp: new Date('2030-01-01T00:00:00.200Z'), stream: 'stdout', message: 'hello' },
            { seq: 2, timestamp: new Date('2030-01-01T00:00:00.300Z'), stream: 'stderr', message: '' },
          ],
          logsTruncated: true,
          contractViolations: ['output/url: must be string', "output: must have required property 'size'"],
        });
        const bare = anInvocation({ error: { type: 'Timeout', message: 'took too long' } });
        const arrayResult = anInvocation({ status: 'SUCCEEDED', response: [[1], 'two', null] });
        const scalarResult = anInvocation({ status: 'SUCCEEDED', response: 'just a string' });
        for (const record of [full, bare, arrayResult, scalarResult]) await invocations.insertAll([record]);

        expect(await invocations.findById(full.id)).toStrictEqual(full);
        const foundBare = await invocations.findById(bare.id);
        expect(foundBare).toStrictEqual(bare);
        expect(foundBare?.error && 'stack' in foundBare.error).toBe(false);
        expect(await invocations.findById(arrayResult.id)).toStrictEqual(arrayResult);
        expect(await invocations.findById(scalarResult.id)).toStrictEqual(scalarResult);
        expect(await invocations.findById(newId())).toBeNull();
      });

      it('inserts new records and updates unfinished ones in batches; a final record never changes again', async () => {
        const { invocations } = store();
        const record = anInvocation({ status: 'QUEUED', queued: true, attempt: 0 });
        await invocations.insertAll([record]);

        const startedAt = new Date('2030-02-02T02:02:02.222Z');
        const running: InvocationRecord = { ...record, status: 'RUNNING', startedAt, coldStart: false, attempt: 1, nodeId: 'node-a' };
        const other = anInvocation({ status: 'RUNNING' });
        await invocations.updateAll([running]);
        await invocations.insertAll([other]);
        expect(await invocations.findById(record.id)).toStrictEqual(running);
        expect(await invocations.findById(other.id)).toStrictEqual(other);

        const finished: InvocationRecord = {
          ...running,
          status: 'SUCCEEDED',
          response: { statusCode: 201, headers: { 'x.y': 'z' }, body: 'done' },
          durationMs: 3,
          memoryPeakBytes: 1024,
          cpuTimeMs: 1,
          finishedAt: new Date('2030-02-02T02:02:03.333Z'),
          logs: [{ seq: 1, timestamp: new Date('2030-02-02T02:02:02.500Z'), stream: 'system', message: 'bye' }],
        };
        await invocations.updateAll([finished]);
        expect(await invocations.findById(record.id)).toStrictEqual(finished);

        // Final: a late write (e.g. from a node presumed dead) is ignored, by update and by a retried insert alike.
        await invocations.updateAll([{ ...finished, status: 'FAILED', response: null }]);
        await invocations.insertAll([{ ...finished, status: 'FAILED', response: null }]);
        expect(await invocations.findById(record.id)).toStrictEqual(finished);
        await invocations.updateAll([]);
        await invocations.insertAll([]);
      });

      it('inserting an id again updates it (a retried batch), nulls replacing values', async () => {
        const { invocations } = store();
        const record = anInvocation({ status: 'RUNNING', coldStart: true, startedAt: new Date('2030-02-02T02:02:02.222Z') });
        await invocations.insertAll([record]);
        const cleared: InvocationRecord = { ...record, coldStart: null, startedAt: null, error: { type: 'E', message: 'm' } };
        await invocations.insertAll([cleared, anInvocation()]);
        expect(await invocations.findById(record.id)).toStrictEqual(cleared);
      });

      it('transitions a record only from the expected statuses', async () => {
        const { invocations } = store();
        const record = anInvocation({ status: 'RUNNING', nodeId: 'node-b', startedAt: new Date() });
        await invocations.insertAll([record]);
        const lost: InvocationRecord = { ...record, status: 'FAILED', error: { type: 'NODE_LOST', message: 'gone' }, finishedAt: new Date() };
        expect(await invocations.transition(lost, ['QUEUED'])).toBe(false);
        expect(await invocations.transition(lost, ['RUNNING'])).toBe(true);
        expect(await invocations.transition({ ...lost, status: 'SUCCEEDED' }, ['RUNNING'])).toBe(false);
        expect(await invocations.findById(record.id)).toStrictEqual(lost);
        const redriven: InvocationRecord = { ...lost, status: 'QUEUED', attempt: 0 };
        expect(await invocations.transition(redriven, ['FAILED'])).toBe(true);
        expect((await invocations.findById(record.id))?.status).toBe('QUEUED');
      });

      it('finds calls left running by nodes that are not live, oldest first, queued ones excepted', async () => {
        const { invocations } = store();
        const dead = `dead-${newId()}`;
        const live = `live-${newId()}`;
        const long = new Date(Date.now() - 60_000);
        const older = anInvocation({ status: 'RUNNING', nodeId: dead, startedAt: new Date(Date.now() - 120_000) });
        const orphan = anInvocation({ status: 'RUNNING', nodeId: dead, startedAt: long });
        const recent = anInvocation({ status: 'RUNNING', nodeId: dead, startedAt: new Date() });
        const queued = anInvocation({ status: 'RUNNING', nodeId: dead, startedAt: long, queued: true, trigger: 'ASYNC' });
        const onLive = anInvocation({ status: 'RUNNING', nodeId: live, startedAt: long });
        const done = anInvocation({ status: 'SUCCEEDED', nodeId: dead, startedAt: long });
        await invocations.insertAll([orphan, older, recent, queued, onLive, done]);
        const found = await invocations.findOrphaned([live], new Date(Date.now() - 30_000), 100);
        const mine = found.filter((record) => record.nodeId === dead || record.nodeId === live).map((record) => record.id);
        expect(mine).toStrictEqual([older.id, orphan.id]);
        expect(await invocations.findOrphaned([live, dead], new Date(Date.now() - 30_000), 100)).not.toContainEqual(expect.objectContaining({ nodeId: dead }));
      });

      it('proves a write gets through', async () => {
        await expect(store().invocations.probeWrite()).resolves.toBeUndefined();
        await expect(store().invocations.probeWrite()).resolves.toBeUndefined();
      });

      it('lists newest first, filtered by function and status, in pages', async () => {
        const { invocations } = store();
        const functionId = newId();
        const statuses: InvocationStatus[] = ['SUCCEEDED', 'FAILED', 'SUCCEEDED', 'SUCCEEDED', 'FAILED', 'SUCCEEDED', 'SUCCEEDED'];
        const records: InvocationRecord[] = [];
        for (const status of statuses) {
          const record = anInvocation({ functionId, status });
          records.push(record);
          await invocations.insertAll([record]);
        }
        await invocations.insertAll([anInvocation({ functionId: newId(), status: 'SUCCEEDED' })]);
        const newestFirst = [...records].reverse();

        const all = await invocations.list({ functionId }, { first: 100 });
        expect(all.items).toStrictEqual(newestFirst);
        expect(all.hasMore).toBe(false);

        const failed = await invocations.list({ functionId, status: 'FAILED' }, { first: 100 });
        expect(failed.items.map((i) => i.id)).toEqual(newestFirst.filter((i) => i.status === 'FAILED').map((i) => i.id));

        // Pages of 2 across the 5 successes.
        const succeeded = newestFirst.filter((i) => i.status === 'SUCCEEDED').map((i) => i.id);
        const seen: string[] = [];
        const hasMores: boolean[] = [];
        let after: string | undefined;
        for (let guard = 0; guard < 10; guard += 1) {
          const page = await invocations.list({ functionId, status: 'SUCCEEDED' }, { first: 2, after });
          seen.push(...page.items.map((i) => i.id));
          hasMores.push(page.hasMore);
          if (!page.hasMore) break;
          after = page.items.at(-1)?.id;
        }
        expect(seen).toEqual(succeeded);
        expect(hasMores).toEqual([true, true, false]);

        const afterOldest = await invocations.list({ functionId }, { first: 2, after: records[0]!.id });
        expect(afterOldest).toEqual({ items: [], hasMore: false });
      });

      it('lists across functions and by status alone, newest first', async () => {
        const { invocations } = store();
        const mine = [anInvocation({ status: 'OOM_KILLED' }), anInvocation({ status: 'OOM_KILLED' }), anInvocation({ status: 'REJECTED' })];
        for (const record of mine) await invocations.insertAll([record]);

        const collected: InvocationRecord[] = [];
        let after: string | undefined;
        for (let guard = 0; guard < 1000; guard += 1) {
          const page = await invocations.list({}, { first: 3, after });
          collected.push(...page.items);
          if (!page.hasMore) break;
          after = page.items.at(-1)?.id;
        }
        const ids = collected.map((i) => i.id);
        expect(ids).toEqual([...ids].sort().reverse());
        expect(new Set(ids).size).toBe(ids.length);
        for (const record of mine) expect(ids).toContain(record.id);

        const oom = await invocations.list({ status: 'OOM_KILLED' }, { first: 100 });
        expect(oom.items.every((i) => i.status === 'OOM_KILLED')).toBe(true);
        expect(oom.items.slice(0, 2).map((i) => i.id)).toEqual([mine[1]!.id, mine[0]!.id]);
      });

      it('finds the newest invocation of each function', async () => {
        const { invocations } = store();
        const f1 = newId();
        const f2 = newId();
        const f1Records = [anInvocation({ functionId: f1 }), anInvocation({ functionId: f1 }), anInvocation({ functionId: f1 })];
        const f2Record = anInvocation({ functionId: f2, status: 'RUNNING' });
        for (const record of [...f1Records, f2Record]) await invocations.insertAll([record]);

        const latest = await invocations.latestByFunctionIds([f1, f2, newId(), f1]);
        expect(latest).toHaveLength(2);
        expect(latest.find((i) => i.functionId === f1)).toStrictEqual(f1Records[2]);
        expect(latest.find((i) => i.functionId === f2)).toStrictEqual(f2Record);
        expect(await invocations.latestByFunctionIds([])).toEqual([]);
      });

      it('sums up the calls one alias routed to one version that ran and finished within a window: count, errors, warm p99', async () => {
        const { invocations } = store();
        const functionId = newId();
        const since = new Date('2031-01-01T00:00:00.000Z');
        const until = new Date('2031-01-01T00:01:00.000Z');
        const at = (ms: number) => new Date(since.getTime() + ms);
        const finished = (version: string, status: InvocationStatus, durationMs: number | null, finishedAt: Date, alias: string | null = 'prod') =>
          anInvocation({ functionId, alias, version, status, durationMs, startedAt: finishedAt, finishedAt });
        // 200 calls of 2.0.0 in the window, durations 1..200 ms: p99 (nearest rank) is the 198th.
        const inWindow = Array.from({ length: 200 }, (_, i) => finished('2.0.0', i % 10 === 0 ? 'FAILED' : 'SUCCEEDED', 200 - i, at(i * 100)));
        const others = [
          finished('2.0.0', 'TIMED_OUT', 5000, at(30_000)),
          finished('2.0.0', 'OOM_KILLED', null, at(30_001)),
          // Counted, but a cold start: its duration is not in the p99.
          { ...finished('2.0.0', 'SUCCEEDED', 8000, at(30_002)), coldStart: true },
          // Not counted: outside the window (the end is exclusive), never ran, unfinished, another
          // version, alias or function, called by version.
          finished('2.0.0', 'FAILED', 9999, at(-1)),
          finished('2.0.0', 'FAILED', 9999, until),
          finished('2.0.0', 'REJECTED', null, at(1)),
          anInvocation({ functionId, alias: 'prod', version: '2.0.0', status: 'RUNNING', startedAt: at(2) }),
          finished('1.0.0', 'FAILED', 9999, at(3)),
          finished('2.0.0', 'FAILED', 9999, at(4), 'beta'),
          finished('2.0.0', 'FAILED', 9999, at(5), null),
          anInvocation({ functionId: newId(), alias: 'prod', version: '2.0.0', status: 'FAILED', durationMs: 9999, finishedAt: at(6) }),
        ];
        await invocations.insertAll([...inWindow, ...others]);
        const window = { functionId, alias: 'prod', since, until };
        // 203 ran; errors: 20 FAILED + TIMED_OUT + OOM_KILLED; 201 warm durations: 1..200 and 5000, nearest rank 199 → 199 ms.
        expect(await invocations.versionWindowStats({ ...window, version: '2.0.0' })).toEqual({ count: 203, errors: 22, p99DurationMs: 199 });
        expect(await invocations.versionWindowStats({ ...window, version: '1.0.0' })).toEqual({ count: 1, errors: 1, p99DurationMs: 9999 });
        expect(await invocations.versionWindowStats({ ...window, alias: 'beta', version: '2.0.0' })).toEqual({ count: 1, errors: 1, p99DurationMs: 9999 });
        expect(await invocations.versionWindowStats({ ...window, version: '3.0.0' })).toEqual({ count: 0, errors: 0, p99DurationMs: null });
      });

      it('finds by ids, each once', async () => {
        const { invocations } = store();
        const a = anInvocation();
        const b = anInvocation();
        await invocations.insertAll([a]);
        await invocations.insertAll([b]);
        const found = await invocations.findByIds([a.id, b.id, a.id, newId()]);
        expect(found.map((i) => i.id).sort()).toEqual([a.id, b.id].sort());
        expect(found.find((i) => i.id === a.id)).toStrictEqual(a);
        expect(await invocations.findByIds([])).toEqual([]);
      });
    });
  });
}

/** A prefix no other test (or earlier run against the same store) uses. */
function uniquePrefix(): string {
  return `t${newId().replaceAll('-', '').slice(-12)}-`;
}

/** Storage orders strings by code point (= UTF-16 code unit for the BMP), not by locale. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function aFunction(overrides: Partial<FunctionRecord> = {}): FunctionRecord {
  const id = newId();
  return {
    id,
    name: `fn-${id}`,
    description: 'A test function',
    language: 'javascript',
    runtime: 'nodejs',
    ownerId: null,
    author: null,
    tags: [],
    permissions: { public: false, allowedUsers: [], executionRoles: [] },
    schedules: [],
    latestVersion: '1.0.0',
    latestVersionId: newId(),
    versionCount: 1,
    createdAt: new Date('2029-12-31T23:59:59.999Z'),
    updatedAt: new Date('2030-01-01T00:00:00.001Z'),
    deletedAt: null,
    ...overrides,
  };
}

export function aVersion(overrides: Partial<FunctionVersionRecord> = {}): FunctionVersionRecord {
  return {
    id: newId(),
    functionId: newId(),
    sequence: 1,
    version: '1.0.0',
    language: 'typescript',
    runtime: 'nodejs20',
    codeHash: randomBytes(32).toString('hex'),
    codeSizeBytes: 1234,
    codeFormat: 'zip',
    handler: 'src/app.handler',
    dependencies: {},
    timeoutSeconds: 30,
    memoryLimitMb: 128,
    minInstances: 1,
    maxInstances: 3,
    concurrency: 2,
    eventFormat: 'native',
    asyncPolicy: { maxAttempts: 4, retryBackoffSeconds: 30, maxEventAgeSeconds: null, onSuccess: 'on-ok', onFailure: null },
    network: { enabled: true, allow: ['api.example.com:443', '203.0.113.0/24'] },
    environmentVariableNames: [],
    contract: null,
    sealed: { keyId: `key-${newId()}`, wrappedKey: randomBytes(60), ciphertext: Buffer.concat([Buffer.from([0, 0, 255]), randomBytes(200)]) },
    buildStatus: 'BUILDING',
    buildLog: '',
    author: null,
    createdAt: new Date('2030-03-03T03:03:03.303Z'),
    ...overrides,
  };
}

export function anInvocation(overrides: Partial<InvocationRecord> = {}): InvocationRecord {
  return {
    id: newId(),
    functionId: newId(),
    functionName: 'hello',
    versionId: newId(),
    version: '1.0.0',
    alias: null,
    trigger: 'GRAPHQL',
    callerId: null,
    status: 'QUEUED',
    request: { method: 'GET', path: '/', headers: {}, query: {}, body: null, isBase64Encoded: false },
    requestTruncated: false,
    response: null,
    responseTruncated: false,
    error: null,
    coldStart: null,
    durationMs: null,
    initDurationMs: null,
    memoryPeakBytes: null,
    cpuTimeMs: null,
    queuedAt: new Date('2030-04-04T04:04:04.404Z'),
    startedAt: null,
    finishedAt: null,
    traceId: null,
    logs: [],
    logsTruncated: false,
    nodeId: null,
    attempt: 1,
    queued: false,
    comparedWith: null,
    contractViolations: [],
    ...overrides,
  };
}

export function anAlias(overrides: Partial<AliasRecord> = {}): AliasRecord {
  return {
    functionId: newId(),
    name: 'prod',
    routes: [{ version: '1.0.0', weight: 100 }],
    shadow: null,
    createdAt: new Date('2030-05-05T05:05:05.505Z'),
    updatedAt: new Date('2030-05-06T05:05:05.505Z'),
    updatedBy: 'user-1',
    ...overrides,
  };
}
