import { Injectable } from '@nestjs/common';
import type { ScheduleClaimRecord, ScheduleKey } from '@/modules/schedules/schedule-claim.record.js';
import { type ClaimOutcome, ScheduleClaimRepository } from '@/modules/schedules/schedule-claim.repository.js';
import { SqliteDatabase, toSqlDate } from './sqlite-database.js';

interface ClaimRow {
  function_id: string;
  schedule_id: string;
  tick: number;
  node_id: string;
  claimed_at: number;
  invocation_id: string | null;
  error: string | null;
}

@Injectable()
export class SqliteScheduleClaimRepository extends ScheduleClaimRepository {
  constructor(private readonly db: SqliteDatabase) {
    super();
  }

  async claim(key: ScheduleKey, tick: Date, nodeId: string, claimedAt: Date): Promise<boolean> {
    // The primary key decides: of the processes sharing the file, one insert changes a row.
    const { changes } = this.db
      .statement(
        `INSERT INTO schedule_claims (function_id, schedule_id, tick, node_id, claimed_at)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (function_id, schedule_id, tick) DO NOTHING`,
      )
      .run(key.functionId, key.scheduleId, toSqlDate(tick), nodeId, toSqlDate(claimedAt));
    return changes === 1;
  }

  async complete(key: ScheduleKey, tick: Date, outcome: ClaimOutcome): Promise<void> {
    this.db
      .statement('UPDATE schedule_claims SET invocation_id = ?, error = ? WHERE function_id = ? AND schedule_id = ? AND tick = ?')
      .run(outcome.invocationId, outcome.error, key.functionId, key.scheduleId, toSqlDate(tick));
  }

  async latest(keys: readonly ScheduleKey[]): Promise<ScheduleClaimRecord[]> {
    const latest = this.db.statement<ClaimRow>('SELECT * FROM schedule_claims WHERE function_id = ? AND schedule_id = ? ORDER BY tick DESC LIMIT 1');
    return keys.flatMap((key) => {
      const row = latest.get(key.functionId, key.scheduleId);
      return row ? [toRecord(row)] : [];
    });
  }

  async prune(before: Date): Promise<number> {
    const { changes } = this.db
      .statement(
        `DELETE FROM schedule_claims
          WHERE tick < ?
            AND tick < (SELECT MAX(newer.tick) FROM schedule_claims newer
                         WHERE newer.function_id = schedule_claims.function_id AND newer.schedule_id = schedule_claims.schedule_id)`,
      )
      .run(toSqlDate(before));
    return changes;
  }
}

function toRecord(row: ClaimRow): ScheduleClaimRecord {
  return {
    functionId: row.function_id,
    scheduleId: row.schedule_id,
    tick: new Date(row.tick),
    nodeId: row.node_id,
    claimedAt: new Date(row.claimed_at),
    invocationId: row.invocation_id,
    error: row.error,
  };
}
