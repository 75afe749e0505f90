import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { ScheduleClaimRecord, ScheduleKey } from '@/modules/schedules/schedule-claim.record.js';
import { ScheduleRunsService } from '@/modules/schedules/schedule-runs.service.js';

export interface ScheduleLoaders {
  /** The latest claimed tick of a schedule; null when it never ran. */
  lastScheduleRun: DataLoader<ScheduleKey, ScheduleClaimRecord | null, string>;
}

const keyOf = (key: ScheduleKey): string => `${key.functionId}/${key.scheduleId}`;

@Injectable()
export class ScheduleLoadersFactory {
  constructor(private readonly runs: ScheduleRunsService) {}

  create(): ScheduleLoaders {
    return {
      lastScheduleRun: new DataLoader(
        async (keys) => {
          const latest = new Map((await this.runs.lastRuns(keys)).map((claim) => [keyOf(claim), claim]));
          return keys.map((key) => latest.get(keyOf(key)) ?? null);
        },
        { cacheKeyFn: keyOf },
      ),
    };
  }
}
