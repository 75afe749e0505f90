import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { AppConfig } from '@/kernel/config/app-config.js';
import { type SqlValue, SqliteDatabase, SQLITE_FILE_NAME } from '@/adapters/storage/sqlite/sqlite-database.js';
import { SqliteFunctionRepository } from '@/adapters/storage/sqlite/sqlite-function.repository.js';
import { StorageModule } from '@/adapters/storage/storage.module.js';
import { testKernelModules } from '../support/recorded-errors.js';
import { FunctionRepository } from '@/modules/functions/function.repository.js';
import { IdempotencyKeys } from '@/modules/invocations/idempotency-keys.js';
import { InvocationRepository } from '@/modules/invocations/invocation.repository.js';
import { NodeRegistry } from '@/modules/invocations/node-registry.js';
import { VersionRepository } from '@/modules/versions/version.repository.js';
import { AliasRepository } from '@/modules/aliases/alias.repository.js';
import { AuditRepository } from '@/modules/audit/audit.repository.js';
import { ApiKeyRepository } from '@/modules/auth/api-key.repository.js';
import { ScheduleClaimRepository } from '@/modules/schedules/schedule-claim.repository.js';
import { scheduleClaimsContract } from './schedule-claims.contract.js';
import { comparisonsContract } from './comparisons.contract.js';
import { ComparisonRepository } from '@/modules/comparisons/comparison.repository.js';
import { canariesContract } from './canaries.contract.js';
import { CanaryRepository } from '@/modules/canary/canary.repository.js';
import { securityStorageContract } from './security-storage.contract.js';
import { DEFAULT_ASYNC_POLICY } from '@/modules/versions/version.record.js';
import { aFunction, anInvocation, aVersion, storageContract } from './storage.contract.js';

const dataDirs: string[] = [];

async function freshDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fngraph-storage-'));
  dataDirs.push(dir);
  // A directory that does not exist yet: the adapter must create it.
  return join(dir, 'data');
}

/** Built the way the app builds it: from the environment, through StorageModule. */
async function openModule(dataDir: string): Promise<TestingModule> {
  const config = AppConfig.fromEnvironment({ NODE_ENV: 'test', FNGRAPH_DATA_DIR: dataDir });
  const moduleRef = await Test.createTestingModule({ imports: [...testKernelModules(config), StorageModule.forConfig(config)] }).compile();
  await moduleRef.init();
  return moduleRef;
}

afterAll(async () => {
  await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

storageContract('embedded SQLite', async () => {
  const moduleRef = await openModule(await freshDataDir());
  return {
    functions: moduleRef.get(FunctionRepository),
    versions: moduleRef.get(VersionRepository),
    invocations: moduleRef.get(InvocationRepository),
    nodes: moduleRef.get(NodeRegistry),
    idempotencyKeys: moduleRef.get(IdempotencyKeys),
    aliases: moduleRef.get(AliasRepository),
    cleanup: () => moduleRef.close(),
  };
});

securityStorageContract('embedded SQLite', async () => {
  const moduleRef = await openModule(await freshDataDir());
  return { apiKeys: moduleRef.get(ApiKeyRepository), audit: moduleRef.get(AuditRepository), cleanup: () => moduleRef.close() };
});

comparisonsContract('embedded SQLite', async () => {
  const moduleRef = await openModule(await freshDataDir());
  return { comparisons: moduleRef.get(ComparisonRepository), cleanup: () => moduleRef.close() };
});

scheduleClaimsContract('embedded SQLite', async () => {
  // Two processes of one node share the file: two modules on one data directory.
  const dataDir = await freshDataDir();
  const first = await openModule(dataDir);
  const second = await openModule(dataDir);
  return {
    claims: first.get(ScheduleClaimRepository),
    otherNode: second.get(ScheduleClaimRepository),
    cleanup: async () => {
      await second.close();
      await first.close();
    },
  };
});

canariesContract('embedded SQLite', async () => {
  const dataDir = await freshDataDir();
  const first = await openModule(dataDir);
  const second = await openModule(dataDir);
  return {
    canaries: first.get(CanaryRepository),
    otherNode: second.get(CanaryRepository),
    cleanup: async () => {
      await second.close();
      await first.close();
    },
  };
});

describe('embedded SQLite storage module', () => {
  it('creates the database file in WAL mode with the current schema, and closes it on shutdown', async () => {
    const dataDir = await freshDataDir();
    const log = vi.spyOn(Logger.prototype, 'log');
    const moduleRef = await openModule(dataDir);
    const logged = log.mock.calls.map(([message]) => message);
    log.mockRestore();
    expect(logged).toContain(`Storage: embedded SQLite at ${join(dataDir, SQLITE_FILE_NAME)}`);
    expect(moduleRef.get(FunctionRepository)).toBeInstanceOf(SqliteFunctionRepository);
    const database = moduleRef.get(SqliteDatabase);
    expect(database.path).toBe(join(dataDir, SQLITE_FILE_NAME));
    await moduleRef.close();
    expect(database.isOpen).toBe(false);

    const raw = new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(1);
      const indexes = raw
        .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index'")
        .all()
        .map((r) => r.name);
      expect(indexes).toEqual(
        expect.arrayContaining(['functions_active_name', 'invocations_function', 'invocations_function_status', 'invocations_version_finished']),
      );
    } finally {
      raw.close();
    }
  });

  it('keeps data across restarts and migrates an existing file idempotently', async () => {
    const dataDir = await freshDataDir();
    const record = aFunction();
    const first = await openModule(dataDir);
    await first.get(FunctionRepository).insert(record);
    await first.close();

    const second = await openModule(dataDir);
    try {
      expect(await second.get(FunctionRepository).findById(record.id)).toStrictEqual(record);
    } finally {
      await second.close();
    }
  });

  it('reads the default async policy for versions stored before the policy existed', async () => {
    const dataDir = await freshDataDir();
    const moduleRef = await openModule(dataDir);
    try {
      const version = aVersion();
      await moduleRef.get(VersionRepository).insert(version);
      moduleRef.get(SqliteDatabase).statement('UPDATE function_versions SET async_policy = NULL WHERE id = ?').run(version.id);
      expect(await moduleRef.get(VersionRepository).findById(version.id)).toStrictEqual({ ...version, asyncPolicy: DEFAULT_ASYNC_POLICY });
    } finally {
      await moduleRef.close();
    }
  });

  it('journals invocation records: durable at once, applied to the table in bulk before any read, and by the next process when one stopped first', async () => {
    const dataDir = await freshDataDir();
    const first = await openModule(dataDir);
    const running = anInvocation({ status: 'RUNNING' });
    const queued = anInvocation({ status: 'QUEUED' });
    await first.get(InvocationRepository).insertAll([running, queued]);
    await first.get(InvocationRepository).updateAll([{ ...running, status: 'SUCCEEDED', finishedAt: new Date() }]);
    const tableRows = (module: TestingModule) => module.get(SqliteDatabase).statement<{ n: number }>('SELECT COUNT(*) AS n FROM invocations').get()!.n;
    const journalRows = (module: TestingModule) => module.get(SqliteDatabase).statement<{ n: number }>('SELECT COUNT(*) AS n FROM invocation_journal').get()!.n;
    expect({ table: tableRows(first), journal: journalRows(first) }).toEqual({ table: 0, journal: 3 });
    await first.close();

    const second = await openModule(dataDir);
    try {
      const page = await second.get(InvocationRepository).list({}, { first: 10 });
      expect(page.items.map((record) => [record.id, record.status]).sort()).toEqual(
        [
          [running.id, 'SUCCEEDED'],
          [queued.id, 'QUEUED'],
        ].sort(),
      );
      expect({ table: tableRows(second), journal: journalRows(second) }).toEqual({ table: 2, journal: 0 });
    } finally {
      await second.close();
    }
  });

  it('while the table refuses writes, finds a journaled record by its id in its latest state, and lists it once the table takes it', async () => {
    const moduleRef = await openModule(await freshDataDir());
    try {
      const db = moduleRef.get(SqliteDatabase);
      const invocations = moduleRef.get(InvocationRepository);
      const stored = anInvocation({ status: 'SUCCEEDED', finishedAt: new Date() });
      await invocations.insertAll([stored]);
      expect((await invocations.list({}, { first: 10 })).items.map((record) => record.id)).toEqual([stored.id]);
      // As a full disk would: every write to the table fails, appending to the journal still works.
      db.statement("CREATE TRIGGER refuse_invocations BEFORE INSERT ON invocations BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END").run();
      const record = anInvocation({ status: 'RUNNING' });
      await invocations.insertAll([record]);
      await invocations.updateAll([{ ...record, status: 'SUCCEEDED', finishedAt: new Date() }]);
      // A record already final is never changed by a later state, journaled or not.
      await invocations.updateAll([{ ...stored, status: 'RUNNING' }]);

      expect((await invocations.findById(record.id))?.status).toBe('SUCCEEDED');
      expect((await invocations.findByIds([record.id, stored.id])).map((found) => [found.id, found.status]).sort()).toEqual(
        [
          [record.id, 'SUCCEEDED'],
          [stored.id, 'SUCCEEDED'],
        ].sort(),
      );
      expect((await invocations.list({}, { first: 10 })).items.map((found) => found.id)).toEqual([stored.id]);

      db.statement('DROP TRIGGER refuse_invocations').run();
      expect((await invocations.list({}, { first: 10 })).items.map((found) => [found.id, found.status])).toEqual([
        [record.id, 'SUCCEEDED'],
        [stored.id, 'SUCCEEDED'],
      ]);
    } finally {
      await moduleRef.close();
    }
  });

  it('serves the invocation listings and the canary window from indexes, partial ones included', async () => {
    const moduleRef = await openModule(await freshDataDir());
    try {
      const db = moduleRef.get(SqliteDatabase);
      const plan = (sql: string, ...params: SqlValue[]) =>
        db
          .statement<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
          .all(...params)
          .map((row) => row.detail)
          .join(' | ');
      // The shapes SqliteInvocationRepository.list and versionWindowStats write.
      const byFunction = 'SELECT * FROM invocations WHERE function_id = ?';
      expect(plan(`${byFunction} AND status = ? AND status <> 'SUCCEEDED' ORDER BY id DESC LIMIT ?`, 'f', 'FAILED', 10)).toMatch(
        /USING INDEX invocations_function_status/,
      );
      expect(plan(`${byFunction} AND +status = ? ORDER BY id DESC LIMIT ?`, 'f', 'SUCCEEDED', 10)).toMatch(/USING INDEX invocations_function \(/);
      expect(plan(`${byFunction} ORDER BY id DESC LIMIT ?`, 'f', 10)).toMatch(/USING INDEX invocations_function \(/);
      expect(plan('SELECT * FROM invocations WHERE status = ? ORDER BY id DESC LIMIT ?', 'SUCCEEDED', 10)).toMatch(/USING INDEX invocations_status/);
      expect(
        plan(
          `SELECT COUNT(*) FROM invocations WHERE function_id = ? AND alias = ? AND version = ? AND finished_at >= ? AND finished_at < ? AND status IN ('SUCCEEDED', 'FAILED')`,
          'f',
          'a',
          '1.0.0',
          0,
          1,
        ),
      ).toMatch(/USING COVERING INDEX invocations_version_finished/);
    } finally {
      await moduleRef.close();
    }
  });

  it('refuses a database written by a newer schema', async () => {
    const dataDir = await freshDataDir();
    const first = await openModule(dataDir);
    await first.close();
    const raw = new Database(join(dataDir, SQLITE_FILE_NAME));
    raw.pragma('user_version = 999');
    raw.close();
    await expect(openModule(dataDir)).rejects.toThrow(/newer than this fngraph understands/);
  });
});
