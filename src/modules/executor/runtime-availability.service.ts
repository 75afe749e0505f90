import { Injectable } from '@nestjs/common';
import { ExecutorService } from './executor.service.js';
import type { Language } from '@/modules/functions/function.record.js';
import { type RuntimeId, RUNTIME_IDS, runtimeDefinition } from '@/modules/runtimes/runtime-catalog.js';

export interface RuntimeAvailability {
  id: RuntimeId;
  languages: readonly Language[];
  available: boolean;
  executor: 'process' | 'docker';
}

/** The runtime catalog, with what the configured executor can run on this host. */
@Injectable()
export class RuntimesService {
  constructor(private readonly executor: ExecutorService) {}

  async list(): Promise<RuntimeAvailability[]> {
    const available = new Set(await this.executor.availableRuntimes());
    return RUNTIME_IDS.map((id) => ({
      id,
      languages: runtimeDefinition(id).languages,
      available: available.has(id),
      executor: this.executor.driverKind,
    }));
  }
}
