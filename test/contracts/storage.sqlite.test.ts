import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { AppConfig } from '@/kernel/config/app-config.js';
import { SqliteDatabase, SQLITE_FILE_NAME } from '@/adapters/storage/sqlite/sqlite-database.js';
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
import { aFunction, aVersion, storageContract } from './storage.contract.js';

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
