import type { VersionContract } from '@/modules/contracts/contract.record.js';
import type { ContractInput } from './contract.input.js';
import type { ContractOutputModeEnum } from './contract-output-mode.enum.js';
import type { FunctionContractModel } from './function-contract.model.js';

export function toFunctionContractModel(contract: VersionContract | null): FunctionContractModel | null {
  if (contract === null) return null;
  return {
    input: contract.input ?? null,
    query: contract.query ?? null,
    output: contract.output ?? null,
    outputMode: contract.outputMode as ContractOutputModeEnum,
  };
}

/**
 * `withoutNulls` would also drop nulls inside the schemas (`{"const": null}` means something):
 * puts the contract back as given, only its omitted (null) parts left out.
 */
export function withContractAsGiven<T extends { contract?: ContractInput | null }>(raw: T, cleaned: T): T {
  const given = raw.contract;
  if (!given) return cleaned;
  const contract: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given)) if (value !== null && value !== undefined) contract[key] = value;
  return { ...cleaned, contract: contract as ContractInput };
}
