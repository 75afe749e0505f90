import { useState } from 'react';
import { useSubscription } from '@/api/hooks';
import { type InvocationOutcomeFragment, InvocationUpdatesDocument } from '@/api/graphql.generated';

export const FINAL_STATUSES = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'OOM_KILLED', 'REJECTED', 'DEAD_LETTERED']);

/**
 * An invocation's state kept current by `invocationUpdated(invocationId)` (its state now,
 * then each transition until it ends); `initial` shows meanwhile.
 */
export function useInvocationOutcome(invocationId: string, initial: InvocationOutcomeFragment | null = null) {
  const [outcome, setOutcome] = useState(initial);
  const { error } = useSubscription(InvocationUpdatesDocument, { invocationId }, ({ invocationUpdated }) => setOutcome(invocationUpdated), {
    skip: initial !== null && FINAL_STATUSES.has(initial.status),
  });
  return { outcome, error, final: outcome !== null && FINAL_STATUSES.has(outcome.status) };
}
