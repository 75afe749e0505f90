import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { ValidationError } from '@/kernel/errors/domain-error.js';
import { AppConfig } from '@/kernel/config/app-config.js';
import { PlatformErrorsModel } from './platform-error.model.js';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';

@Resolver(() => PlatformErrorsModel)
export class PlatformErrorsResolver {
  constructor(
    private readonly errors: UnexpectedErrors,
    private readonly config: AppConfig,
  ) {}

  /** Administrators only (the authorization rules decide). */
  @Query(() => PlatformErrorsModel, { description: "fngraph's own recent unexpected errors on the node that answers (for administrators)." })
  platformErrors(@Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number): PlatformErrorsModel {
    if (first < 0 || first > 1000) throw new ValidationError('first must be between 0 and 1000', [{ field: 'first', message: 'between 0 and 1000' }]);
    return {
      node: this.config.nodeId,
      total: this.errors.total,
      errors: this.errors.recent(first).map((entry) => ({ ...entry, stack: entry.stack ? entry.stack.split('\n') : [] })),
    };
  }
}
