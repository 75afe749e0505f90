import { Injectable } from '@nestjs/common';
import { EventBus } from '@/kernel/events/event-bus.js';
import { EventQueue } from '@/kernel/events/event-queue.js';
import { interruptible } from '@/kernel/streams/async-streams.js';
import { canaryChannelKey, type CanaryUpdatedEvent, canaryUpdatedChannel } from './canary.channels.js';
import type { CanaryRecord } from './canary.record.js';
import { CanaryRepository } from './canary.repository.js';

/** Read the latest canary again (the subscription was interrupted: announcements were lost). */
const REREAD = 'reread' as const;
/** A few decisions per canary: this many pending means a stuck client. */
const SUBSCRIBER_BUFFER = 100;

/** Changes of an alias's canaries, as they happen on any node. */
@Injectable()
export class CanaryFeedService {
  constructor(
    private readonly events: EventBus,
    private readonly canaries: CanaryRepository,
  ) {}

  /** The alias's latest canary (when it has one), then every change of its canaries, each state once and in order. */
  of(functionId: string, alias: string): AsyncGenerator<CanaryRecord> {
    const queue = new EventQueue<CanaryUpdatedEvent | typeof REREAD>(SUBSCRIBER_BUFFER);
    return interruptible(queue, this.from(queue, functionId, alias));
  }

  private async *from(queue: EventQueue<CanaryUpdatedEvent | typeof REREAD>, functionId: string, alias: string): AsyncGenerator<CanaryRecord> {
    const unsubscribe = await this.events.subscribe(canaryUpdatedChannel(canaryChannelKey(functionId, alias)), (event) => queue.push(event), {
      onResumed: () => queue.push(REREAD),
    });
    // Per canary, the last revision sent: announcements can arrive late, twice, or after the initial read.
    const sent = new Map<string, number>();
    const fresh = (canary: CanaryRecord | null): canary is CanaryRecord => canary !== null && (sent.get(canary.id) ?? 0) < canary.revision;
    try {
      const current = await this.canaries.latest(functionId, alias);
      if (fresh(current)) {
        sent.set(current.id, current.revision);
        yield current;
      }
      for await (const event of queue) {
        const canary = event === REREAD ? await this.canaries.latest(functionId, alias) : await this.canaries.findById(event.canaryId);
        if (!fresh(canary)) continue;
        sent.set(canary.id, canary.revision);
        yield canary;
      }
    } finally {
      await queue.close();
      await unsubscribe();
    }
  }
}
