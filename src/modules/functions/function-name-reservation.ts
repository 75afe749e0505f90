import semver from 'semver';
import { ConflictError } from '@/kernel/errors/domain-error.js';
import type { Principal } from '@/kernel/identity/principal.js';
import type { NameTombstone } from './function.record.js';

/**
 * Function names are one global namespace, like DNS: a name someone else holds (a live
 * function, or a deleted one's reservation) gets this answer, the same for every such name,
 * so it tells nothing about the function.
 */
export function nameTakenError(name: string): ConflictError {
  return new ConflictError(`The name ${JSON.stringify(name)} is taken`);
}

/**
 * A deleted function's name stays reserved for its owner until an admin releases it, so
 * nobody else can take over its URLs. Functions without an owner (from before
 * authentication) reserve nothing.
 */
export function isReservedForOthers(tombstones: readonly NameTombstone[], principal: Principal): boolean {
  return tombstones.some((tombstone) => tombstone.releasedAt === null && tombstone.ownerId !== null && tombstone.ownerId !== principal.subject);
}

/**
 * The greatest version any earlier function of the name had: a new one starts after it, so
 * that a pinned URL (`/fn/name@1.0.0`) of the old function never serves the new one's code.
 */
export function versionFloor(tombstones: readonly NameTombstone[]): string | null {
  let floor: string | null = null;
  for (const { latestVersion } of tombstones) {
    if (semver.valid(latestVersion) && (floor === null || semver.gt(latestVersion, floor))) floor = latestVersion;
  }
  return floor;
}
