import { Injectable } from '@nestjs/common';
import { FunctionRepository } from '@/modules/functions/function.repository.js';

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; reason?: string }>;
}

const CHECK_TIMEOUT_MS = 2000;

@Injectable()
export class HealthService {
  constructor(private readonly functions: FunctionRepository) {}

  async readiness(): Promise<ReadinessReport> {
    const checks = { storage: await probe(() => this.functions.findByName('health-probe')) };
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  }
}

async function probe(check: () => Promise<unknown>): Promise<{ ok: boolean; reason?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
