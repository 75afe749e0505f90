import { Injectable } from '@nestjs/common';
import { ChannelListeners } from '@/adapters/events/channel-listeners.js';
import { EventBus, type Unsubscribe } from '@/kernel/events/event-bus.js';

/** In-process events: the embedded default, correct for a single server process. */
@Injectable()
export class MemoryEventBus extends EventBus {
  private readonly listeners = new ChannelListeners();

  async publish(channel: string, message: unknown): Promise<void> {
    this.listeners.deliver(channel, message);
  }

  mayHaveSubscribers(channel: string): boolean {
    return this.listeners.has(channel);
  }

  async subscribe(channel: string, listener: (message: unknown) => void): Promise<Unsubscribe> {
    this.listeners.add(channel, listener);
    return async () => {
      this.listeners.remove(channel, listener);
    };
  }
}
