import semver from 'semver';
import { ConflictError } from '@/kernel/errors/domain-error.js';

export const FIRST_VERSION = '1.0.0';

/**
 * The version a new registration gets: the requested one if it is greater than the
 * latest (versions only move forward), else the latest with its patch bumped.
 */
export function nextVersion(latest: string | null, requested: string | undefined): string {
  if (latest === null) return requested ?? FIRST_VERSION;
  if (requested === undefined) return semver.inc(latest, 'patch') as string;
  if (!semver.gt(requested, latest)) {
    throw new ConflictError(`Version ${requested} is not greater than the latest version ${latest}; versions are immutable`);
  }
  return requested;
}
