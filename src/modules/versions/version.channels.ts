import { eventChannel, eventChannelFamily } from '@/kernel/events/event-channel.js';
import type { BuildStatus } from './version.record.js';

export type VersionBuildEvent = { type: 'log'; message: string } | { type: 'status'; status: Exclude<BuildStatus, 'BUILDING'> };

/** One version's build: every log line, then the final status. */
export const versionBuildChannel = eventChannelFamily<VersionBuildEvent>('version', 'build');

export interface VersionBuiltEvent {
  versionId: string;
  functionId: string;
  status: Exclude<BuildStatus, 'BUILDING'>;
}

/** Every finished build, for caches of versions. */
export const versionsBuiltChannel = eventChannel<VersionBuiltEvent>('versions.built');
