import { Injectable } from '@nestjs/common';
import { EventBus } from '@/kernel/events/event-bus.js';
import { EventQueue } from '@/kernel/events/event-queue.js';
import { type VersionBuildEvent, versionBuildChannel } from './version.channels.js';
import type { BuildStatus } from './version.record.js';
import { VersionsService } from './versions.service.js';

export interface BuildLogItem {
  versionId: string;
  /** A line of the build's output, or null for the final item carrying the status. */
  message: string | null;
  status: BuildStatus;
}

/** Build output rarely comes in bursts; beyond this a stuck reader loses the oldest lines. */
const SUBSCRIBER_BUFFER = 2000;

/**
 * A version's build output: live lines from the moment of subscription until the build
 * ends, or the stored log at once when it already has. The last item carries the outcome.
 */
@Injectable()
export class VersionBuildLogsService {
  constructor(
    private readonly events: EventBus,
    private readonly versions: VersionsService,
  ) {}

  async *stream(versionId: string): AsyncGenerator<BuildLogItem> {
    const queue = new EventQueue<VersionBuildEvent>(SUBSCRIBER_BUFFER);
    const unsubscribe = await this.events.subscribe(versionBuildChannel(versionId), (event) => queue.push(event));
    try {
      // Read after subscribing: a build ending in between is then seen here or as an event.
      const current = await this.versions.getById(versionId);
      if (current.buildStatus !== 'BUILDING') {
        for (const message of current.buildLog === '' ? [] : current.buildLog.split('\n')) {
          yield { versionId: versionId, message, status: current.buildStatus };
        }
        yield { versionId: versionId, message: null, status: current.buildStatus };
        return;
      }
      for await (const event of queue) {
        if (event.type === 'log') yield { versionId: versionId, message: event.message, status: 'BUILDING' };
        else {
          yield { versionId: versionId, message: null, status: event.status };
          return;
        }
      }
    } finally {
      await queue.close();
      await unsubscribe();
    }
  }
}
