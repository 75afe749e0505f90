import { Query, Resolver } from '@nestjs/graphql';
import { RuntimeModel } from './runtime.model.js';
import { toRuntimeModel } from './runtime.mapper.js';
import { RuntimeAvailability } from '@/modules/executor/runtime-availability.service.js';

@Resolver(() => RuntimeModel)
export class RuntimesResolver {
  constructor(private readonly catalog: RuntimeAvailability) {}

  @Query(() => [RuntimeModel], { description: 'Every supported runtime, and whether this server can run it; deprecated runtimes only while installed.' })
  async runtimes(): Promise<RuntimeModel[]> {
    return (await this.catalog.list()).map(toRuntimeModel);
  }
}
