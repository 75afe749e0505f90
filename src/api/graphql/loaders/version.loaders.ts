import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { FunctionVersionRecord } from '@/modules/versions/version.record.js';
import { VersionsService } from '@/modules/versions/versions.service.js';

export interface VersionLoaders {
  versionById: DataLoader<string, FunctionVersionRecord | null>;
  versionsByFunctionId: DataLoader<string, FunctionVersionRecord[]>;
}

/** Per-request batching of version reads (one storage query per field, not per parent). */
@Injectable()
export class VersionLoadersFactory {
  constructor(private readonly versions: VersionsService) {}

  create(): VersionLoaders {
    return {
      versionById: new DataLoader(async (ids) => {
        const byId = new Map((await this.versions.findByIds(ids)).map((v) => [v.id, v]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
      versionsByFunctionId: new DataLoader(async (functionIds) => {
        const grouped = new Map<string, FunctionVersionRecord[]>(functionIds.map((id) => [id, []]));
        for (const version of await this.versions.listByFunctionIds(functionIds)) grouped.get(version.functionId)?.push(version);
        return functionIds.map((id) => grouped.get(id) ?? []);
      }),
    };
  }
}
