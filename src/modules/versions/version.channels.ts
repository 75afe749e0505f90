import type { BuildStatus } from './version.record.js';

/** Channel of one version's build: every log line, then the final status. */
export const versionBuildChannel = (versionId: string) => `version.${versionId}.build`;

export type VersionBuildEvent =
  | { type: 'log'; message: string }
  | { type: 'status'; status: Exclude<BuildStatus, 'BUILDING'> };

/** Channel on which every finished build is announced, for caches of versions. */
export const VERSION_BUILDS_CHANNEL = 'versions.built';

export interface VersionBuiltEvent {
  versionId: string;
  functionId: string;
  status: Exclude<BuildStatus, 'BUILDING'>;
}
