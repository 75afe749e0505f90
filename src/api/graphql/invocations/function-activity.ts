import { NotFoundError } from '@/kernel/errors/domain-error.js';
import type { Principal } from '@/kernel/identity/principal.js';
import { guardedStream } from '@/kernel/streams/guarded-stream.js';
import type { InvocationsService } from '@/modules/invocations/invocations.service.js';

/**
 * A stream about all the activity of a function (every caller's logs, statuses, metrics),
 * for those who may read it: checked before it starts (NOT_FOUND, as for a missing
 * function) and again before every item, since permissions can change while it lives.
 */
export async function functionActivity<T>(
  invocations: InvocationsService,
  principal: Principal,
  functionId: string,
  open: () => AsyncIterable<T>,
): Promise<AsyncIterable<T>> {
  await invocations.assertCanReadFunctionActivity(principal, functionId);
  return guardedStream(
    open(),
    () => invocations.canReadFunctionActivity(principal, functionId),
    () => new NotFoundError('Function', functionId),
  );
}
