import { Injectable } from '@nestjs/common';
import { type Language, type RuntimeId, RUNTIME_IDS, runtimeDefinition } from '@/modules/runtimes/runtime-catalog.js';
import { ExecutorService } from './executor.service.js';

export interface RuntimeStatus {
  id: RuntimeId;
  languages: readonly Language[];
  available: boolean;
  executor: 'process' | 'docker';
  /** Set for runtimes kept only while installed (end of life): why not to use them. */
  deprecationReason: string | null;
}

/** The runtime catalog, with what the configured executor can run on this host. */
@Injectable()
export class RuntimeAvailability {
  constructor(private readonly executor: ExecutorService) {}

  /**
   * Every supported runtime, available or not; a deprecated one only while it is
   * installed (its functions still run, new ones are warned).
   */
  async list(): Promise<RuntimeStatus[]> {
    const available = await this.installed();
    return RUNTIME_IDS.filter((id) => !runtimeDefinition(id).deprecation || available.has(id)).map((id) => ({
      id,
      languages: runtimeDefinition(id).languages,
      available: available.has(id),
      executor: this.executor.driverKind,
      deprecationReason: runtimeDefinition(id).deprecation ?? null,
    }));
  }

  /** The runtimes the configured executor can start now (interpreter or image present). */
  async installed(): Promise<ReadonlySet<RuntimeId>> {
    return new Set(await this.executor.availableRuntimes());
  }
}
