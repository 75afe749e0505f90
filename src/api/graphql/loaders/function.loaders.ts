import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { FunctionRecord } from '@/modules/functions/function.record.js';
import { FunctionsService } from '@/modules/functions/functions.service.js';

export interface FunctionLoaders {
  /** Deleted functions included: invocations keep pointing at them. */
  functionById: DataLoader<string, FunctionRecord | null>;
}

@Injectable()
export class FunctionLoadersFactory {
  constructor(private readonly functions: FunctionsService) {}

  create(): FunctionLoaders {
    return {
      functionById: new DataLoader(async (ids) => {
        const byId = new Map((await this.functions.findByIds(ids)).map((f) => [f.id, f]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
    };
  }
}
