import type { ContractValidators } from '@/modules/contracts/contract-validators.js';
import type { VersionContract } from '@/modules/contracts/contract.record.js';
import type { InvocationErrorRecord } from '@/modules/executor/execution.types.js';
import type { InvocationRecord } from './invocation.record.js';

/** The error of an invocation whose result its version's contract refused (`outputMode: refuse`). */
export const CONTRACT_VIOLATION_ERROR_TYPE = 'ContractViolation';

/**
 * An ended record with its version's output schema applied to the result it got (the whole
 * value, not the stored copy): unchanged when it matches (or nothing is declared, or it did not
 * succeed); with `flag`, the violations on the record; with `refuse`, FAILED `ContractViolation`
 * and no response. A streamed response that was cut (`responseTruncated`) cannot be judged whole
 * and is left as it is.
 */
export function withOutputContract(
  ended: InvocationRecord,
  version: { id: string; contract: VersionContract | null },
  result: { value: unknown; truncated: boolean } | undefined,
  validators: ContractValidators,
): InvocationRecord {
  if (ended.status !== 'SUCCEEDED' || version.contract?.output === undefined || !result || result.truncated) return ended;
  const violations = validators.outputViolations(version, result.value);
  if (violations.length === 0) return ended;
  if (version.contract.outputMode === 'flag') return { ...ended, contractViolations: violations };
  const error: InvocationErrorRecord = {
    type: CONTRACT_VIOLATION_ERROR_TYPE,
    message: `The result does not match the version's output contract: ${violations.join('; ')}`,
  };
  return { ...ended, status: 'FAILED', response: null, responseTruncated: false, error, contractViolations: violations };
}
