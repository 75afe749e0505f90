import { Injectable } from '@nestjs/common';
import { type Language, type RuntimeId, RUNTIME_IDS, runtimeDefinition } from '@/modules/runtimes/runtime-catalog.js';
import { ExecutorService } from './executor.service.js';

export interface RuntimeStatus {
  id: RuntimeId;
  languages: readonly Language[];
  available: boolean;
  executor: 'process' | 'docker';
}

/** The runtime catalog, with what the configured executor can run on this host. */
@Injectable()
export class RuntimeAvailability {
  constructor(private readonly executor: ExecutorService) {}

  async list(): Promise<RuntimeStatus[]> {
    const available = new Set(await this.executor.availableRuntimes());
    return RUNTIME_IDS.map((id) => ({
      id,
      languages: runtimeDefinition(id).languages,
      available: available.has(id),
      executor: this.executor.driverKind,
    }));
  }
}
