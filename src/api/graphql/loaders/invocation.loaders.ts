import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { InvocationRecord } from '@/modules/invocations/invocation.record.js';
import { InvocationsService } from '@/modules/invocations/invocations.service.js';

export interface InvocationLoaders {
  latestInvocationByFunctionId: DataLoader<string, InvocationRecord | null>;
}

@Injectable()
export class InvocationLoadersFactory {
  constructor(private readonly invocations: InvocationsService) {}

  create(): InvocationLoaders {
    return {
      latestInvocationByFunctionId: new DataLoader(async (functionIds) => {
        const latest = new Map((await this.invocations.latestByFunctionIds(functionIds)).map((i) => [i.functionId, i]));
        return functionIds.map((id) => latest.get(id) ?? null);
      }),
    };
  }
}
