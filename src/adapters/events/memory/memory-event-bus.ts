import { Injectable } from '@nestjs/common';
import { EventBus, type Unsubscribe } from '@/kernel/events/event-bus.js';
import type { EventChannel } from '@/kernel/events/event-channel.js';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import { ChannelListeners } from '@/adapters/events/channel-listeners.js';

/** In-process events: the embedded default, correct for a single server process. */
@Injectable()
export class MemoryEventBus extends EventBus {
  private readonly listeners: ChannelListeners;

  constructor(errors: UnexpectedErrors) {
    super();
    this.listeners = new ChannelListeners(errors);
  }

  async publish<Payload>(channel: EventChannel<Payload>, message: Payload): Promise<void> {
    this.listeners.deliver(channel.name, message);
  }

  mayHaveSubscribers(channel: EventChannel<unknown>): boolean {
    return this.listeners.has(channel.name);
  }

  async subscribe<Payload>(channel: EventChannel<Payload>, listener: (message: Payload) => void): Promise<Unsubscribe> {
    this.listeners.add(channel.name, listener);
    return async () => {
      this.listeners.remove(channel.name, listener);
    };
  }
}
