import { type DynamicModule, Inject, Logger, Module, type OnModuleInit, type Provider, type Type } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import type { AppConfig } from '@/kernel/config/app-config.js';
import { MetricsModule } from '@/adapters/observability/metrics/metrics.module.js';
import { PlatformMetrics } from '@/adapters/observability/metrics/platform-metrics.js';
import { timedPort } from '@/adapters/observability/metrics/timed-port.js';
import { CryptoModule } from '@/adapters/crypto/crypto.module.js';
import { EnvelopeCipher } from '@/kernel/crypto/envelope-cipher.js';
import { HealthModule } from '@/modules/health/health.module.js';
import { AuditRepository } from '@/modules/audit/audit.repository.js';
import { AliasRepository } from '@/modules/aliases/alias.repository.js';
import { ApiKeyRepository } from '@/modules/auth/api-key.repository.js';
import { FunctionRepository } from '@/modules/functions/function.repository.js';
import { IdempotencyKeys } from '@/modules/invocations/idempotency-keys.js';
import { InvocationRepository } from '@/modules/invocations/invocation.repository.js';
import { SealedInvocationRepository } from '@/modules/invocations/sealed-invocation.repository.js';
import { NodeRegistry } from '@/modules/invocations/node-registry.js';
import { VersionRepository } from '@/modules/versions/version.repository.js';
import { ScheduleClaimRepository } from '@/modules/schedules/schedule-claim.repository.js';
import { ComparisonRepository } from '@/modules/comparisons/comparison.repository.js';
import { CanaryRepository } from '@/modules/canary/canary.repository.js';
import { StorageHealthCheck } from './storage-health-check.js';
import { SqliteAliasRepository } from './sqlite/sqlite-alias.repository.js';
import { SqliteApiKeyRepository } from './sqlite/sqlite-api-key.repository.js';
import { SqliteAuditRepository } from './sqlite/sqlite-audit.repository.js';
import { SqliteDatabase } from './sqlite/sqlite-database.js';
import { SqliteFunctionRepository } from './sqlite/sqlite-function.repository.js';
import { SqliteIdempotencyKeys } from './sqlite/sqlite-idempotency-keys.js';
import { SqliteNodeRegistry } from './sqlite/sqlite-node-registry.js';
import { SqliteInvocationRepository } from './sqlite/sqlite-invocation.repository.js';
import { SqliteVersionRepository } from './sqlite/sqlite-version.repository.js';
import { SqliteScheduleClaimRepository } from './sqlite/sqlite-schedule-claim.repository.js';
import { SqliteComparisonRepository } from './sqlite/sqlite-comparison.repository.js';
import { ALIAS_MODEL, AliasSchema } from './mongo/alias.mongo-schema.js';
import { SqliteCanaryRepository } from './sqlite/sqlite-canary.repository.js';
import { MongoCanaryRepository } from './mongo/mongo-canary.repository.js';
import { CANARY_MODEL, CanarySchema } from './mongo/canary.mongo-schema.js';
import { API_KEY_MODEL, ApiKeySchema } from './mongo/api-key.mongo-schema.js';
import { AUDIT_MODEL, AuditSchema } from './mongo/audit.mongo-schema.js';
import { FUNCTION_MODEL, FunctionSchema } from './mongo/function.mongo-schema.js';
import { FUNCTION_VERSION_MODEL, FunctionVersionSchema } from './mongo/function-version.mongo-schema.js';
import { INVOCATION_MODEL, InvocationSchema } from './mongo/invocation.mongo-schema.js';
import { MongoAliasRepository } from './mongo/mongo-alias.repository.js';
import { MongoApiKeyRepository } from './mongo/mongo-api-key.repository.js';
import { MongoAuditRepository } from './mongo/mongo-audit.repository.js';
import { MongoFunctionRepository } from './mongo/mongo-function.repository.js';
import { MongoIdempotencyKeys } from './mongo/mongo-idempotency-keys.js';
import { MongoNodeRegistry } from './mongo/mongo-node-registry.js';
import { MongoInvocationRepository } from './mongo/mongo-invocation.repository.js';
import { MongoVersionRepository } from './mongo/mongo-version.repository.js';
import { MongoScheduleClaimRepository } from './mongo/mongo-schedule-claim.repository.js';
import { SCHEDULE_CLAIM_MODEL, ScheduleClaimSchema } from './mongo/schedule-claim.mongo-schema.js';
import { COMPARISON_MODEL, ComparisonSchema } from './mongo/comparison.mongo-schema.js';
import { MongoComparisonRepository } from './mongo/mongo-comparison.repository.js';

/** Human-readable description of the chosen store, logged once at start-up (never with credentials). */
const STORAGE_DESCRIPTION = Symbol('STORAGE_DESCRIPTION');

const PORTS = [
  FunctionRepository,
  VersionRepository,
  InvocationRepository,
  ApiKeyRepository,
  AuditRepository,
  NodeRegistry,
  IdempotencyKeys,
  ScheduleClaimRepository,
  ComparisonRepository,
  AliasRepository,
  CanaryRepository,
  // The same instance as InvocationRepository, for key rotation (rewrapping sealed payloads).
  SealedInvocationRepository,
];

/**
 * The adapter class as its own provider, and the port token as a timed view of it
 * (`fngraph_storage_operation_duration_seconds`).
 */
function port(token: abstract new (...args: never[]) => unknown, adapter: Type, name: string): Provider[] {
  return [
    adapter,
    {
      provide: token,
      useFactory: (instance: object, metrics: PlatformMetrics) => timedPort(instance, name, metrics.storageDuration),
      inject: [adapter, PlatformMetrics],
    },
  ];
}

/** The invocations port: payloads sealed when `FNGRAPH_SEAL_INVOCATION_DATA` is on, sealed ones opened always. */
function invocationsPort(adapter: Type<InvocationRepository>, config: AppConfig): Provider[] {
  return [
    adapter,
    {
      provide: InvocationRepository,
      useFactory: (instance: InvocationRepository, metrics: PlatformMetrics, cipher: EnvelopeCipher) => {
        // Always wrapped: records sealed while sealing was on stay readable once it is off.
        return new SealedInvocationRepository(timedPort(instance, 'invocations', metrics.storageDuration), cipher, config.delivery.sealInvocationData);
      },
      inject: [adapter, PlatformMetrics, EnvelopeCipher],
    },
    { provide: SealedInvocationRepository, useExisting: InvocationRepository },
  ];
}

/**
 * Provides the storage ports: MongoDB when `MONGODB_URI` is set, otherwise the embedded
 * SQLite file in the data directory.
 */
@Module({})
export class StorageModule implements OnModuleInit {
  private readonly logger = new Logger(StorageModule.name);

  constructor(@Inject(STORAGE_DESCRIPTION) private readonly description: string) {}

  static forConfig(config: AppConfig): DynamicModule {
    return config.mongodbUri ? mongo(config.mongodbUri, config) : embedded(config.dataDir, config.dataDirMode, config);
  }

  onModuleInit(): void {
    this.logger.log(`Storage: ${this.description}`);
  }
}

function mongo(uri: string, config: AppConfig): DynamicModule {
  return {
    module: StorageModule,
    imports: [
      MetricsModule,
      HealthModule,
      CryptoModule,
      MongooseModule.forRoot(uri, {
        // Indexes are built by the repositories' onModuleInit, which start-up awaits;
        // autoIndex would build them in the background and report failures nowhere.
        autoIndex: false,
        autoCreate: false,
        // Fail a start-up against an unreachable server in well under a minute
        // (the defaults wait 30 s per attempt, nine times).
        serverSelectionTimeoutMS: 10_000,
        retryAttempts: 3,
        retryDelay: 2_000,
      }),
      MongooseModule.forFeature([
        { name: FUNCTION_MODEL, schema: FunctionSchema },
        { name: FUNCTION_VERSION_MODEL, schema: FunctionVersionSchema },
        { name: INVOCATION_MODEL, schema: InvocationSchema },
        { name: API_KEY_MODEL, schema: ApiKeySchema },
        { name: AUDIT_MODEL, schema: AuditSchema },
        { name: SCHEDULE_CLAIM_MODEL, schema: ScheduleClaimSchema },
        { name: COMPARISON_MODEL, schema: ComparisonSchema },
        { name: ALIAS_MODEL, schema: AliasSchema },
        { name: CANARY_MODEL, schema: CanarySchema },
      ]),
    ],
    providers: [
      { provide: STORAGE_DESCRIPTION, useValue: `MongoDB at ${redactMongoUri(uri)}` },
      ...port(FunctionRepository, MongoFunctionRepository, 'functions'),
      ...port(VersionRepository, MongoVersionRepository, 'versions'),
      ...invocationsPort(MongoInvocationRepository, config),
      ...port(ApiKeyRepository, MongoApiKeyRepository, 'apiKeys'),
      ...port(AuditRepository, MongoAuditRepository, 'audit'),
      ...port(NodeRegistry, MongoNodeRegistry, 'nodes'),
      ...port(IdempotencyKeys, MongoIdempotencyKeys, 'idempotencyKeys'),
      ...port(ScheduleClaimRepository, MongoScheduleClaimRepository, 'scheduleClaims'),
      ...port(ComparisonRepository, MongoComparisonRepository, 'comparisons'),
      ...port(AliasRepository, MongoAliasRepository, 'aliases'),
      ...port(CanaryRepository, MongoCanaryRepository, 'canaries'),
      StorageHealthCheck,
    ],
    exports: PORTS,
  };
}

function embedded(dataDir: string, dataDirMode: number, config: AppConfig): DynamicModule {
  const database = { provide: SqliteDatabase, useFactory: () => SqliteDatabase.open(dataDir, dataDirMode) };
  return {
    module: StorageModule,
    imports: [MetricsModule, HealthModule, CryptoModule],
    providers: [
      database,
      {
        provide: STORAGE_DESCRIPTION,
        useFactory: (db: SqliteDatabase) => `embedded SQLite at ${db.path}`,
        inject: [SqliteDatabase],
      },
      ...port(FunctionRepository, SqliteFunctionRepository, 'functions'),
      ...port(VersionRepository, SqliteVersionRepository, 'versions'),
      ...invocationsPort(SqliteInvocationRepository, config),
      ...port(ApiKeyRepository, SqliteApiKeyRepository, 'apiKeys'),
      ...port(AuditRepository, SqliteAuditRepository, 'audit'),
      ...port(NodeRegistry, SqliteNodeRegistry, 'nodes'),
      ...port(IdempotencyKeys, SqliteIdempotencyKeys, 'idempotencyKeys'),
      ...port(ScheduleClaimRepository, SqliteScheduleClaimRepository, 'scheduleClaims'),
      ...port(ComparisonRepository, SqliteComparisonRepository, 'comparisons'),
      ...port(AliasRepository, SqliteAliasRepository, 'aliases'),
      ...port(CanaryRepository, SqliteCanaryRepository, 'canaries'),
      StorageHealthCheck,
    ],
    exports: PORTS,
  };
}

/** Host(s) and database of a connection string, without user or password. */
function redactMongoUri(uri: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/)(?:[^@/]*@)?([^/?]*)(\/[^?]*)?/.exec(uri);
  return match ? `${match[1]}${match[2]}${match[3] ?? ''}` : 'mongodb://(unparsable URI)';
}
