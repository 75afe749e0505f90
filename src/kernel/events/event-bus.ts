import type { EventChannel } from './event-channel.js';

export type Unsubscribe = () => Promise<void>;

export interface SubscribeOptions {
  /**
   * The subscription was interrupted (the broker was unreachable: messages published
   * meanwhile are lost to it) and is active again. A subscriber that must not miss
   * anything re-reads the state it follows from where it is kept (storage, a buffer).
   */
  onResumed?: () => void;
}

/**
 * Events port: fire-and-forget publication on typed channels, one channel per entity
 * (`invocation.<id>.logs`), so a node only receives what its subscribers asked for.
 */
export abstract class EventBus {
  /**
   * Resolves once the message is handed to every node's subscribers (the broker has
   * accepted it), or at once when the broker is unreachable (never waits for an outage:
   * the message is then dropped, or kept for later when its channel says `redeliver`).
   * Hot paths need not wait; changes others must see at once should.
   */
  abstract publish<Payload>(channel: EventChannel<Payload>, message: Payload): Promise<void>;
  /**
   * False only when no subscriber can be listening (in-process events with none): lets
   * a hot path skip building a message nobody would receive. Buses spanning nodes say true.
   */
  abstract mayHaveSubscribers(channel: EventChannel<unknown>): boolean;
  /** Resolves once the subscription is active: messages published after that arrive (until an interruption, see `onResumed`). */
  abstract subscribe<Payload>(channel: EventChannel<Payload>, listener: (message: Payload) => void, options?: SubscribeOptions): Promise<Unsubscribe>;
}
