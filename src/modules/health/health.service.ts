import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import { HealthChecks } from './health-checks.js';

export interface CheckResult {
  ok: boolean;
  /** Why it failed. */
  reason?: string;
  /** What answered (e.g. `in-process`, `docker`). */
  detail?: string;
  durationMs: number;
}

export interface ReadinessReport {
  ready: boolean;
  node: string;
  checks: Record<string, CheckResult>;
  /** fngraph's own unexpected errors on this node; informative, they do not make it unready. */
  platformErrors: { total: number; last: { occurredAt: Date; source: string; type: string; message: string } | null };
}

const CHECK_TIMEOUT_MS = 2000;

@Injectable()
export class HealthService {
  constructor(
    private readonly checks: HealthChecks,
    private readonly platformErrors: UnexpectedErrors,
    private readonly config: AppConfig,
  ) {}

  async readiness(): Promise<ReadinessReport> {
    const results = await Promise.all(this.checks.all().map(async (check) => [check.name, await probe(() => check.check())] as const));
    const checks = Object.fromEntries(results);
    const [last] = this.platformErrors.recent(1);
    return {
      ready: results.every(([, result]) => result.ok),
      node: this.config.nodeId,
      checks,
      platformErrors: {
        total: this.platformErrors.total,
        last: last ? { occurredAt: last.occurredAt, source: last.source, type: last.type, message: last.message } : null,
      },
    };
  }
}

async function probe(check: () => Promise<string | void>): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const elapsed = () => Math.round((performance.now() - started) * 1000) / 1000;
  try {
    const detail = await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { ok: true, ...(detail ? { detail } : {}), durationMs: elapsed() };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error), durationMs: elapsed() };
  } finally {
    clearTimeout(timer);
  }
}
