import { join } from 'node:path';
import type { OnApplicationShutdown } from '@nestjs/common';
import Database from 'better-sqlite3';
import { ensurePrivateDatabaseFile, ensurePrivateDirectory } from '@/kernel/files/private-files.js';

export const SQLITE_FILE_NAME = 'fngraph.sqlite';

/** How long a write waits for another connection's lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;

/** A value better-sqlite3 can bind (it refuses booleans and undefined). */
export type SqlValue = string | number | bigint | Buffer | null;

/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
 * Never edit a released entry: append a new one.
 *
 * Dates are epoch milliseconds (compact, sortable, exact for JS `Date`); nested and
 * list fields are JSON text; whatever a query filters or sorts on is a real column.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE functions (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    -- the name while active, 'deleted:<id>' once deleted: keeps active names unique
    -- while deleted functions keep theirs for history
    name_key          TEXT NOT NULL UNIQUE,
    description       TEXT NOT NULL,
    language          TEXT NOT NULL,
    runtime           TEXT NOT NULL,
    owner_id          TEXT,
    author            TEXT,
    tags              TEXT NOT NULL,
    permissions       TEXT NOT NULL,
    latest_version    TEXT NOT NULL,
    latest_version_id TEXT NOT NULL,
    version_count     INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    deleted_at        INTEGER
  ) STRICT;
  CREATE INDEX functions_active_name ON functions (name) WHERE deleted_at IS NULL;

  -- one row per (tag, function) so the tag filter is an exact, indexed match
  CREATE TABLE function_tags (
    tag         TEXT NOT NULL,
    function_id TEXT NOT NULL,
    PRIMARY KEY (tag, function_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX function_tags_function ON function_tags (function_id);

  CREATE TABLE function_versions (
    id                       TEXT PRIMARY KEY,
    function_id              TEXT NOT NULL,
    sequence                 INTEGER NOT NULL,
    version                  TEXT NOT NULL,
    language                 TEXT NOT NULL,
    runtime                  TEXT NOT NULL,
    code_hash                TEXT NOT NULL,
    code_size_bytes          INTEGER NOT NULL,
    dependencies             TEXT NOT NULL,
    timeout_seconds          REAL NOT NULL,
    memory_limit_mb          INTEGER NOT NULL,
    environment_variable_names TEXT NOT NULL,
    sealed_key_id            TEXT NOT NULL,
    sealed_wrapped_key       BLOB NOT NULL,
    sealed_ciphertext        BLOB NOT NULL,
    build_status             TEXT NOT NULL,
    build_log                TEXT NOT NULL,
    author                   TEXT,
    created_at               INTEGER NOT NULL,
    CONSTRAINT function_versions_version UNIQUE (function_id, version),
    CONSTRAINT function_versions_sequence UNIQUE (function_id, sequence)
  ) STRICT;

  CREATE TABLE invocations (
    id                 TEXT PRIMARY KEY,
    function_id        TEXT NOT NULL,
    function_name      TEXT NOT NULL,
    version_id         TEXT NOT NULL,
    version            TEXT NOT NULL,
    trigger            TEXT NOT NULL,
    caller_id          TEXT,
    status             TEXT NOT NULL,
    request            TEXT NOT NULL,
    request_truncated  INTEGER NOT NULL,
    response           TEXT,
    response_truncated INTEGER NOT NULL,
    error              TEXT,
    cold_start         INTEGER,
    duration_ms        REAL,
    init_duration_ms   REAL,
    memory_peak_bytes  REAL,
    cpu_time_ms        REAL,
    queued_at          INTEGER NOT NULL,
    started_at         INTEGER,
    finished_at        INTEGER,
    trace_id           TEXT,
    logs               TEXT NOT NULL,
    logs_truncated     INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX invocations_function ON invocations (function_id, id DESC);
  CREATE INDEX invocations_function_status ON invocations (function_id, status, id DESC);
  CREATE INDEX invocations_status ON invocations (status, id DESC);
  `,
  // 2: API keys and the audit log.
  `
  CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    prefix       TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    owner_id     TEXT NOT NULL,
    roles        TEXT NOT NULL,
    secret_hash  TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    created_by   TEXT,
    expires_at   INTEGER,
    revoked_at   INTEGER,
    last_used_at INTEGER
  ) STRICT;
  CREATE INDEX api_keys_owner ON api_keys (owner_id, id DESC);

  CREATE TABLE audit_log (
    id             TEXT PRIMARY KEY,
    at             INTEGER NOT NULL,
    actor_id       TEXT,
    actor_kind     TEXT NOT NULL,
    credential_id  TEXT,
    action         TEXT NOT NULL,
    target_type    TEXT NOT NULL,
    target_id      TEXT,
    details        TEXT NOT NULL,
    ip             TEXT,
    user_agent     TEXT
  ) STRICT;
  CREATE INDEX audit_log_action ON audit_log (action, id DESC);
  CREATE INDEX audit_log_actor ON audit_log (actor_id, id DESC);
  CREATE INDEX audit_log_target ON audit_log (target_id, id DESC);

  -- a caller's own invocations (non-admins listing without a function)
  CREATE INDEX invocations_caller ON invocations (caller_id, id DESC);
  -- functions a user owns (visibility filter)
  CREATE INDEX functions_owner ON functions (owner_id);
  `,
  // 3: per-version instance bounds (NULL: the platform defaults).
  `
  ALTER TABLE function_versions ADD COLUMN min_instances INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE function_versions ADD COLUMN max_instances INTEGER;
  `,
  // 4: from a trace (e.g. found in Jaeger) to its invocation.
  `
  CREATE INDEX invocations_trace ON invocations (trace_id) WHERE trace_id IS NOT NULL;
  `,
  // 5: which node runs an invocation, so that a dead node's unfinished work can be found.
  `
  ALTER TABLE invocations ADD COLUMN node_id TEXT;
  `,
  // 6: durable execution — runs of queued invocations, the search for dead nodes' work,
  // node heartbeats, idempotency keys, and a row storage readiness rewrites to prove writes work.
  `
  ALTER TABLE invocations ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE invocations ADD COLUMN queued INTEGER NOT NULL DEFAULT 0;
  UPDATE invocations SET queued = 1 WHERE "trigger" = 'ASYNC';
  CREATE INDEX invocations_running ON invocations (node_id, started_at) WHERE status = 'RUNNING';
  CREATE TABLE nodes (
    id TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    seen_at INTEGER NOT NULL
  );
  CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    invocation_id TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
  );
  CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
  CREATE TABLE write_probe (id INTEGER PRIMARY KEY CHECK (id = 1), written_at INTEGER NOT NULL);
  `,
  // 7: per-version async delivery policy (JSON; NULL in older rows: the defaults).
  `
  ALTER TABLE function_versions ADD COLUMN async_policy TEXT;
  `,
  // 8: cron triggers. A function's schedules (JSON) with a flag for the schedulers' scan, and
  // one claim per (schedule, tick): the primary key lets exactly one node start each tick.
  `
  ALTER TABLE functions ADD COLUMN schedules TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE functions ADD COLUMN scheduled INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX functions_scheduled ON functions (scheduled) WHERE scheduled = 1 AND deleted_at IS NULL;

  CREATE TABLE schedule_claims (
    function_id   TEXT NOT NULL,
    schedule_id   TEXT NOT NULL,
    tick          INTEGER NOT NULL,
    node_id       TEXT NOT NULL,
    claimed_at    INTEGER NOT NULL,
    invocation_id TEXT,
    error         TEXT,
    PRIMARY KEY (function_id, schedule_id, tick)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX schedule_claims_tick ON schedule_claims (tick);
  `,
  // 9: key lineage — the key a key was minted with, so that revoking it revokes its descendants.
  `
  ALTER TABLE api_keys ADD COLUMN created_by_key_id TEXT;
  CREATE INDEX api_keys_created_by_key ON api_keys (created_by_key_id) WHERE created_by_key_id IS NOT NULL;
  `,
  // 10: a deleted function's name stays reserved for its owner until an admin releases it.
  `
  ALTER TABLE functions ADD COLUMN name_released_at INTEGER;
  CREATE INDEX functions_deleted_name ON functions (name) WHERE deleted_at IS NOT NULL;
  `,
  // 11: payload retention — finished records whose request, response and logs are still kept.
  `
  ALTER TABLE invocations ADD COLUMN payload_purged INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX invocations_payload_kept ON invocations (finished_at) WHERE payload_purged = 0 AND finished_at IS NOT NULL;
  `,
  // 12: handler styles — how a version's handler is called (executionConfig.eventFormat).
  `
  ALTER TABLE function_versions ADD COLUMN event_format TEXT NOT NULL DEFAULT 'native';
  `,
  // 13: per-version outbound network access (JSON { enabled, allow }; NULL in older rows: off).
  `
  ALTER TABLE function_versions ADD COLUMN network TEXT;
  `,
  // 14: multi-file code — how a version's code is packed, and the entry point it names (NULL: the default).
  `
  ALTER TABLE function_versions ADD COLUMN code_format TEXT NOT NULL DEFAULT 'source';
  ALTER TABLE function_versions ADD COLUMN handler TEXT;
  `,
  // 15 (aliases): named, weighted pointers to versions (routes and shadow as JSON), and the alias
  // that routed each invocation (NULL: called by version, or before aliases existed).
  `
  CREATE TABLE function_aliases (
    function_id TEXT NOT NULL,
    name        TEXT NOT NULL,
    routes      TEXT NOT NULL,
    shadow      TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    updated_by  TEXT,
    PRIMARY KEY (function_id, name)
  ) STRICT, WITHOUT ROWID;
  ALTER TABLE invocations ADD COLUMN alias TEXT;
  `,
  // 16 (shadow): SHADOW and REPLAY invocations name the invocation they are compared with; the
  // comparisons of an alias's shadow traffic, newest first per alias.
  `
  ALTER TABLE invocations ADD COLUMN compared_with TEXT;
  CREATE TABLE comparisons (
    id                   TEXT PRIMARY KEY,
    function_id          TEXT NOT NULL,
    alias                TEXT NOT NULL,
    primary_id           TEXT NOT NULL,
    candidate_id         TEXT,
    primary_version      TEXT NOT NULL,
    candidate_version    TEXT NOT NULL,
    outcome              TEXT NOT NULL,
    differences          TEXT NOT NULL,
    detail               TEXT NOT NULL,
    primary_duration_ms  REAL,
    candidate_duration_ms REAL,
    created_at           INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX comparisons_alias ON comparisons (function_id, alias, id DESC);
  `,
  // 17 (canary): a canary's step window — one alias's calls to one version finished within a time range — and
  // canary releases: the whole record as JSON, beside what is queried. running_key is
  // 'running:<function>/<alias>' while it runs (one running canary per alias), 'done:<id>' after.
  `
  CREATE INDEX invocations_version_finished ON invocations (function_id, alias, version, finished_at, status, duration_ms);

  CREATE TABLE canaries (
    id          TEXT PRIMARY KEY,
    function_id TEXT NOT NULL,
    alias       TEXT NOT NULL,
    running_key TEXT NOT NULL UNIQUE,
    status      TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    document    TEXT NOT NULL
  ) STRICT;
  CREATE INDEX canaries_alias ON canaries (function_id, alias, id DESC);
  CREATE INDEX canaries_running ON canaries (status) WHERE status = 'RUNNING';
  `,
  // 18 (contracts): a version's declared schemas (JSON { input, query, output, outputMode }; NULL: none), and
  // how an invocation's result broke them (JSON list of messages; NULL in older rows: none).
  `
  ALTER TABLE function_versions ADD COLUMN contract TEXT;
  ALTER TABLE invocations ADD COLUMN contract_violations TEXT;
  `,
  // 19 (concurrency): invocations one sandbox of the version serves at once (executionConfig.concurrency; 1 in older rows).
  `
  ALTER TABLE function_versions ADD COLUMN concurrency INTEGER NOT NULL DEFAULT 1;
  `,
  // 20 (journal): invocation records as written, until applied to \`invocations\` in bulk
  // (SqliteInvocationJournal); entry is the JSON list of the insert's or update's parameters.
  `
  CREATE TABLE invocation_journal (
    seq   INTEGER PRIMARY KEY,
    kind  TEXT NOT NULL CHECK (kind IN ('insert', 'update')),
    entry TEXT NOT NULL
  ) STRICT;
  `,
  // 21 (lean indexes): two indexes leave out the rows most invocations are, which their
  // queries never need: by function and status, the statuses but SUCCEEDED (a function's
  // SUCCEEDED calls are listed through invocations_function); the canary's window, calls
  // routed by an alias. Measured on 300,000 rows: 114 → 69 µs of CPU to record a row.
  `
  DROP INDEX invocations_function_status;
  CREATE INDEX invocations_function_status ON invocations (function_id, status, id DESC) WHERE status <> 'SUCCEEDED';
  DROP INDEX invocations_version_finished;
  CREATE INDEX invocations_version_finished ON invocations (function_id, alias, version, finished_at, status, duration_ms) WHERE alias IS NOT NULL;
  `,
];

/**
 * The embedded store: one SQLite file in the data directory, opened once per process.
 * better-sqlite3 is synchronous, which is what makes it fast for small statements; the
 * repositories wrap it in the async port API.
 */
export class SqliteDatabase implements OnApplicationShutdown {
  /** Keyed by SQL text: preparing is far costlier than running, and the set of statements is small. */
  private readonly statements = new Map<string, Database.Statement<SqlValue[], unknown>>();

  private constructor(
    private readonly connection: Database.Database,
    readonly path: string,
  ) {}

  /** Opens (creating if needed) `<dataDir>/fngraph.sqlite` and brings its schema up to date. */
  static open(dataDir: string, dataDirMode: number): SqliteDatabase {
    ensurePrivateDirectory(dataDir, dataDirMode);
    const path = join(dataDir, SQLITE_FILE_NAME);
    ensurePrivateDatabaseFile(path);
    const connection = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    try {
      // WAL lets readers proceed while a write commits; NORMAL sync is safe with WAL
      // (an OS crash may lose the last commits, never corrupt the file).
      connection.pragma('journal_mode = WAL');
      connection.pragma('synchronous = NORMAL');
      connection.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      migrate(connection);
    } catch (error) {
      connection.close();
      throw error;
    }
    return new SqliteDatabase(connection, path);
  }

  /** A cached prepared statement; `R` is the row shape the caller expects back. */
  statement<R = unknown>(sql: string): Database.Statement<SqlValue[], R> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.connection.prepare<SqlValue[], unknown>(sql);
      this.statements.set(sql, statement);
    }
    return statement as Database.Statement<SqlValue[], R>;
  }

  /** Runs `work` atomically; it must be synchronous (no awaits inside). */
  transaction<T>(work: () => T): T {
    return this.connection.transaction(work)();
  }

  get isOpen(): boolean {
    return this.connection.open;
  }

  close(): void {
    if (this.connection.open) {
      this.statements.clear();
      this.connection.close();
    }
  }

  onApplicationShutdown(): void {
    this.close();
  }
}

function migrate(connection: Database.Database): void {
  const readVersion = () => connection.pragma('user_version', { simple: true }) as number;
  // IMMEDIATE takes the write lock before reading the version, so two processes
  // starting together cannot both apply the same migration.
  connection
    .transaction(() => {
      const current = readVersion();
      if (current > MIGRATIONS.length) {
        throw new Error(`${connection.name} has schema version ${current}, newer than this fngraph understands (${MIGRATIONS.length}); upgrade fngraph`);
      }
      for (let version = current; version < MIGRATIONS.length; version += 1) {
        connection.exec(MIGRATIONS[version]!);
      }
      if (current !== MIGRATIONS.length) connection.pragma(`user_version = ${MIGRATIONS.length}`);
    })
    .immediate();
}

/** The name of the violated constraint when `error` is a UNIQUE/PRIMARY KEY violation, else undefined. */
export function uniqueViolation(error: unknown): string | undefined {
  if (!(error instanceof Database.SqliteError)) return undefined;
  if (error.code !== 'SQLITE_CONSTRAINT_UNIQUE' && error.code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return undefined;
  // e.g. "UNIQUE constraint failed: function_versions.function_id, function_versions.version"
  return error.message.replace(/^UNIQUE constraint failed: /, '');
}

export function toSqlBoolean(value: boolean): number {
  return value ? 1 : 0;
}

export function toSqlDate(value: Date): number {
  return value.getTime();
}

export function toSqlDateOrNull(value: Date | null): number | null {
  return value === null ? null : value.getTime();
}

export function fromSqlDateOrNull(value: number | null): Date | null {
  return value === null ? null : new Date(value);
}

/** JSON array parameter for `IN (SELECT value FROM json_each(?))`: one cached statement for any number of ids. */
export function toSqlIdList(ids: readonly string[]): string {
  return JSON.stringify([...new Set(ids)]);
}
