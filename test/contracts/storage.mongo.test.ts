import { Logger } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Connection } from 'mongoose';
import { describe, expect, it, vi } from 'vitest';
import { AppConfig } from '@/kernel/config/app-config.js';
import { MongoFunctionRepository } from '@/adapters/storage/mongo/mongo-function.repository.js';
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
import { aVersion, storageContract } from './storage.contract.js';

// Tests read the environment directly on purpose: it says which services this run has.
const baseUri = process.env.MONGODB_URI?.trim() || undefined;
const servicesRequired = process.env.FNGRAPH_REQUIRE_SERVICES === '1';

/** The same server, another database (auth keeps using the database the URI named, or admin). */
function withDatabase(uri: string, database: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/)([^/?]*)(?:\/([^?]*))?(?:\?(.*))?$/.exec(uri);
  if (!match) throw new Error(`MONGODB_URI is not a mongodb:// URI: ${uri.replace(/\/\/[^@/]*@/, '//***@')}`);
  const [, scheme, authority, path, query] = match;
  const params = new URLSearchParams(query ?? '');
  if (authority!.includes('@') && !params.has('authSource')) params.set('authSource', path || 'admin');
  const search = params.toString();
  return `${scheme}${authority}/${database}${search ? `?${search}` : ''}`;
}

function uniqueDatabaseName(): string {
  return `fngraph_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/** Built the way the app builds it: from the environment, through StorageModule. */
async function openModule(uri: string): Promise<TestingModule> {
  const config = AppConfig.fromEnvironment({ NODE_ENV: 'test', MONGODB_URI: uri });
  const moduleRef = await Test.createTestingModule({ imports: [...testKernelModules(config), StorageModule.forConfig(config)] }).compile();
  await moduleRef.init();
  return moduleRef;
}

async function dropAndClose(moduleRef: TestingModule): Promise<void> {
  try {
    await moduleRef.get<Connection>(getConnectionToken()).dropDatabase();
  } finally {
    await moduleRef.close();
  }
}

if (!baseUri && servicesRequired) {
  describe('storage contract: MongoDB', () => {
    it('needs a MongoDB-protocol server', () => {
      throw new Error('MONGODB_URI is not set, and FNGRAPH_REQUIRE_SERVICES=1 forbids skipping the MongoDB storage contract');
    });
  });
} else {
  if (!baseUri) {
    console.warn('[storage.mongo.test] MONGODB_URI is not set: SKIPPING the MongoDB storage contract (FNGRAPH_REQUIRE_SERVICES=1 makes this a failure)');
  }

  describe.skipIf(!baseUri)('MongoDB storage', () => {
    storageContract('MongoDB', async () => {
      const moduleRef = await openModule(withDatabase(baseUri!, uniqueDatabaseName()));
      return {
        functions: moduleRef.get(FunctionRepository),
        versions: moduleRef.get(VersionRepository),
        invocations: moduleRef.get(InvocationRepository),
        nodes: moduleRef.get(NodeRegistry),
        idempotencyKeys: moduleRef.get(IdempotencyKeys),
        aliases: moduleRef.get(AliasRepository),
        cleanup: () => dropAndClose(moduleRef),
      };
    });

    securityStorageContract('MongoDB', async () => {
      const moduleRef = await openModule(withDatabase(baseUri!, uniqueDatabaseName()));
      return { apiKeys: moduleRef.get(ApiKeyRepository), audit: moduleRef.get(AuditRepository), cleanup: () => dropAndClose(moduleRef) };
    });

    comparisonsContract('MongoDB', async () => {
      const moduleRef = await openModule(withDatabase(baseUri!, uniqueDatabaseName()));
      return { comparisons: moduleRef.get(ComparisonRepository), cleanup: () => dropAndClose(moduleRef) };
    });

    scheduleClaimsContract('MongoDB', async () => {
      const uri = withDatabase(baseUri!, uniqueDatabaseName());
      const first = await openModule(uri);
      const second = await openModule(uri);
      return {
        claims: first.get(ScheduleClaimRepository),
        otherNode: second.get(ScheduleClaimRepository),
        cleanup: async () => {
          await second.close();
          await dropAndClose(first);
        },
      };
    });

    canariesContract('MongoDB', async () => {
      const uri = withDatabase(baseUri!, uniqueDatabaseName());
      const first = await openModule(uri);
      const second = await openModule(uri);
      return {
        canaries: first.get(CanaryRepository),
        otherNode: second.get(CanaryRepository),
        cleanup: async () => {
          await second.close();
          await dropAndClose(first);
        },
      };
    });

    describe('MongoDB storage module', () => {
      it('reads the default async policy for versions stored before the policy existed', async () => {
        const moduleRef = await openModule(withDatabase(baseUri!, uniqueDatabaseName()));
        try {
          const version = aVersion();
          await moduleRef.get(VersionRepository).insert(version);
          const db = moduleRef.get<Connection>(getConnectionToken()).db!;
          await db.collection<{ _id: string }>('function_versions').updateOne({ _id: version.id }, { $unset: { asyncPolicy: '' } });
          expect(await moduleRef.get(VersionRepository).findById(version.id)).toStrictEqual({ ...version, asyncPolicy: DEFAULT_ASYNC_POLICY });
        } finally {
          await dropAndClose(moduleRef);
        }
      });

      it('uses the Mongo adapters and has built every index by the end of start-up', async () => {
        const database = uniqueDatabaseName();
        const log = vi.spyOn(Logger.prototype, 'log');
        const moduleRef = await openModule(withDatabase(baseUri!, database));
        const logged = log.mock.calls.map(([message]) => message);
        log.mockRestore();
        try {
          // Where it connected, never with the credentials.
          expect(logged).toContainEqual(expect.stringMatching(new RegExp(`^Storage: MongoDB at mongodb(\\+srv)?://[^@]+/${database}$`)));
          expect(moduleRef.get(FunctionRepository)).toBeInstanceOf(MongoFunctionRepository);
          const db = moduleRef.get<Connection>(getConnectionToken()).db!;
          const keysOf = async (collection: string) =>
            (await db.collection(collection).listIndexes().toArray()).map((index) => ({
              key: index.key as Record<string, number>,
              unique: index.unique === true,
            }));

          expect(await keysOf('functions')).toEqual(
            expect.arrayContaining([
              { key: { nameKey: 1 }, unique: true },
              { key: { tags: 1 }, unique: false },
            ]),
          );
          expect(await keysOf('function_versions')).toEqual(
            expect.arrayContaining([
              { key: { functionId: 1, version: 1 }, unique: true },
              { key: { functionId: 1, sequence: -1 }, unique: true },
            ]),
          );
          expect(await keysOf('invocations')).toEqual(
            expect.arrayContaining([
              { key: { functionId: 1, _id: -1 }, unique: false },
              { key: { functionId: 1, status: 1, _id: -1 }, unique: false },
              { key: { functionId: 1, alias: 1, version: 1, finishedAt: 1 }, unique: false },
            ]),
          );
        } finally {
          await dropAndClose(moduleRef);
        }
      });
    });
  });
}
