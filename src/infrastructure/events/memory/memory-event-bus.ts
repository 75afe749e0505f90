import { Injectable, Logger } from '@nestjs/common';
import { EventBus, type Unsubscribe } from '../event-bus.js';

/** In-process events: the embedded default, correct for a single server process. */
@Injectable()
export class MemoryEventBus extends EventBus {
  private readonly logger = new Logger(MemoryEventBus.name);
  private readonly listeners = new Map<string, Set<(message: unknown) => void>>();

  publish(channel: string, message: unknown): void {
    const listeners = this.listeners.get(channel);
    if (!listeners) return;
    for (const listener of listeners) {
      try {
        listener(message);
      } catch (error) {
        this.logger.error(`A listener of ${channel} failed: ${(error as Error).stack ?? String(error)}`);
      }
    }
  }

  async subscribe(channel: string, listener: (message: unknown) => void): Promise<Unsubscribe> {
    let listeners = this.listeners.get(channel);
    if (!listeners) {
      listeners = new Set();
      this.listeners.set(channel, listeners);
    }
    listeners.add(listener);
    return async () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.listeners.get(channel) === listeners) this.listeners.delete(channel);
    };
  }
}
