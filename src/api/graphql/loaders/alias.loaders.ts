import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { AliasRecord } from '@/modules/aliases/alias.record.js';
import { AliasesService } from '@/modules/aliases/aliases.service.js';

export interface AliasLoaders {
  /** A function's aliases, by name. */
  aliasesByFunctionId: DataLoader<string, AliasRecord[]>;
}

/** Per-request batching of alias reads (one storage query per field, not per function). */
@Injectable()
export class AliasLoadersFactory {
  constructor(private readonly aliases: AliasesService) {}

  create(): AliasLoaders {
    return {
      aliasesByFunctionId: new DataLoader(async (functionIds) => {
        const grouped = new Map<string, AliasRecord[]>(functionIds.map((id) => [id, []]));
        for (const alias of await this.aliases.listByFunctionIds(functionIds)) grouped.get(alias.functionId)?.push(alias);
        return functionIds.map((id) => (grouped.get(id) ?? []).sort((a, b) => a.name.localeCompare(b.name)));
      }),
    };
  }
}
