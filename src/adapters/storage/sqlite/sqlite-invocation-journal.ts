import type { SqlValue, SqliteDatabase } from './sqlite-database.js';

/** How a journaled state reaches `invocations`: as a new row, or over an existing one. */
export type JournalKind = 'insert' | 'update';

export interface JournalEntry {
  kind: JournalKind;
  /** The statement's parameters, in its order. */
  values: SqlValue[];
}

/** Applied in the background this long after the first append of a batch; at once from this many rows. */
const APPLY_DELAY_MS = 20;
const APPLY_AT_ONCE_ROWS = 512;
/** After a failed background apply (storage refusing writes), the next try waits this long. */
const RETRY_DELAY_MS = 1000;

/**
 * The embedded store's write path for invocation records. A batch is appended to
 * `invocation_journal` — narrow and append-only: a page or two per commit — and is durable
 * once that commit returns. Applying it to `invocations` (ten B-trees: the table, its key
 * and eight indexes, ~100 µs for a lone record) happens later and in bulk, off the
 * invocation's path: before any read of `invocations`, and in the background. Entries are
 * applied in the order they were appended, by the same statements a direct write would run,
 * so the table ends as it would have. Rows a stopped process left are applied by the first
 * read of the next one.
 */
export class SqliteInvocationJournal {
  /** Unknown at start: a previous process may have left rows. */
  private pending = true;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: SqliteDatabase,
    /** Writes one entry to `invocations`, inside the apply's transaction. */
    private readonly write: (entry: JournalEntry) => void,
  ) {}

  /** Appends entries in one transaction; throws when storage refuses them (nothing is then kept). */
  append(entries: readonly JournalEntry[]): void {
    if (entries.length === 0) return;
    const insert = this.db.statement('INSERT INTO invocation_journal (kind, entry) VALUES (?, ?)');
    this.db.transaction(() => {
      for (const entry of entries) insert.run(entry.kind, JSON.stringify(entry.values));
    });
    this.pending = true;
    this.schedule(entries.length >= APPLY_AT_ONCE_ROWS ? 0 : APPLY_DELAY_MS);
  }

  /** Brings `invocations` up to date with every entry; throws when storage refuses the write. */
  apply(): void {
    if (!this.pending) return;
    const rows = this.db.statement<{ seq: number; kind: JournalKind; entry: string }>('SELECT seq, kind, entry FROM invocation_journal ORDER BY seq').all();
    if (rows.length > 0) {
      this.db.transaction(() => {
        for (const row of rows) this.write({ kind: row.kind, values: JSON.parse(row.entry) as SqlValue[] });
        this.db.statement('DELETE FROM invocation_journal WHERE seq <= ?').run(rows.at(-1)!.seq);
      });
    }
    this.pending = false;
  }

  /** `apply`, reporting instead of throwing whether `invocations` is now up to date. */
  tryApply(): boolean {
    try {
      this.apply();
      return true;
    } catch {
      this.schedule(RETRY_DELAY_MS);
      return false;
    }
  }

  /** The entries not yet applied, in order (a read that could not apply them first). */
  unapplied(): JournalEntry[] {
    return this.db
      .statement<{ kind: JournalKind; entry: string }>('SELECT kind, entry FROM invocation_journal ORDER BY seq')
      .all()
      .map((row) => ({ kind: row.kind, values: JSON.parse(row.entry) as SqlValue[] }));
  }

  private schedule(delayMs: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.db.isOpen) this.tryApply();
    }, delayMs);
    this.timer.unref();
  }
}
