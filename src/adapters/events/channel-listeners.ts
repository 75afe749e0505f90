import type { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';

/** Any channel's listener: the bus matched its payload type to the channel when it subscribed. */
type Listener = (message: never) => void;

/** The local listeners of each channel, shared by the event bus adapters. */
export class ChannelListeners {
  private readonly byChannel = new Map<string, Set<Listener>>();

  constructor(private readonly errors: UnexpectedErrors) {}

  /** Returns true when this is the channel's first listener. */
  add(channel: string, listener: Listener): boolean {
    let listeners = this.byChannel.get(channel);
    if (!listeners) {
      listeners = new Set();
      this.byChannel.set(channel, listeners);
    }
    listeners.add(listener);
    return listeners.size === 1;
  }

  /** Returns true when the channel has no listener left. */
  remove(channel: string, listener: Listener): boolean {
    const listeners = this.byChannel.get(channel);
    if (!listeners?.delete(listener)) return false;
    if (listeners.size > 0) return false;
    this.byChannel.delete(channel);
    return true;
  }

  has(channel: string): boolean {
    return this.byChannel.has(channel);
  }

  /** Calls every listener; one failing listener does not keep the message from the others. */
  deliver(channel: string, message: unknown): void {
    const listeners = this.byChannel.get(channel);
    if (!listeners) return;
    for (const listener of listeners) {
      try {
        listener(message as never);
      } catch (error) {
        this.errors.report(error, { source: 'events', where: `a listener of ${channel}` });
      }
    }
  }

  clear(): void {
    this.byChannel.clear();
  }
}
