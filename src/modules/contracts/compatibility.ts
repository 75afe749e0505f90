import semver from 'semver';
import { BreakingChangeError } from '@/kernel/errors/domain-error.js';
import { breakingChanges, type ContractChange } from './contract-changes.js';
import type { VersionContract } from './contract.record.js';

interface VersionContractOf {
  version: string;
  contract: VersionContract | null;
}

/**
 * A new version may break the previous one's contract only with a greater major version (semver)
 * or an explicit override. Refused otherwise (BREAKING_CHANGE, one detail per reason). Returns the
 * breaking changes an override let through (to be audited); empty when there were none or the
 * major version went up.
 */
export function assertCompatible(previous: VersionContractOf, next: VersionContractOf, allowBreakingChanges: boolean): ContractChange[] {
  const breaking = breakingChanges(previous.contract, next.contract);
  if (breaking.length === 0 || semver.major(next.version) > semver.major(previous.version)) return [];
  if (allowBreakingChanges) return breaking;
  throw new BreakingChangeError(
    `Version ${next.version} breaks the contract of ${previous.version} (${breaking.map((change) => `${change.path}: ${change.message}`).join('; ')}): ` +
      `register it as ${semver.major(previous.version) + 1}.0.0 (a major version), or with allowBreakingChanges`,
    breaking.map((change) => ({ field: `contract.${change.path}`, message: change.message })),
  );
}
