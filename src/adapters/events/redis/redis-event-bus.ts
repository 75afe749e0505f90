import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import { EventBus, type SubscribeOptions, type Unsubscribe } from '@/kernel/events/event-bus.js';
import type { EventChannel } from '@/kernel/events/event-channel.js';
import { RedisConnections } from '@/adapters/redis/redis-connections.js';
import { ChannelListeners } from '@/adapters/events/channel-listeners.js';
import { Undelivered } from './undelivered.js';

/**
 * Events over Redis pub/sub, so every server node sees every other node's events. One
 * subscriber connection per process; a Redis channel is subscribed while at least one
 * local listener wants it, so a node receives only what its own clients asked for.
 *
 * Outages: publishing goes over the fail-fast connection, so it never waits for Redis;
 * what cannot be published is dropped, except messages whose channel asks for
 * redelivery, kept (bounded) and published once Redis is back. Subscriptions are renewed
 * after a reconnection, then their `onResumed` is called: what was published meanwhile
 * is lost to them, and they know it.
 */
@Injectable()
export class RedisEventBus extends EventBus implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisEventBus.name);
  private readonly listeners: ChannelListeners;
  /** Per channel, the pending or completed SUBSCRIBE every local listener waits for. */
  private readonly subscriptions = new Map<string, Promise<unknown>>();
  private readonly resumers = new Set<{ onResumed: () => void }>();
  private readonly undelivered: Undelivered;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private subscriberWasReady = false;
  private subscriberInterrupted = false;
  private publisherInterrupted = false;

  constructor(connections: RedisConnections, errors: UnexpectedErrors) {
    super();
    this.listeners = new ChannelListeners(errors);
    this.undelivered = new Undelivered(this.logger);
    this.publisher = connections.failFast;
    this.subscriber = connections.open('events');
    this.subscriber.on('message', (channel: string, payload: string) => this.deliver(channel, payload));
    this.subscriber.on('close', () => {
      if (this.subscriberWasReady && !this.subscriberInterrupted) {
        this.subscriberInterrupted = true;
        this.logger.warn('Event subscriptions interrupted (Redis unreachable): subscribers will resynchronise when it is back');
      }
    });
    this.subscriber.on('ready', () => {
      this.subscriberWasReady = true;
      if (this.subscriberInterrupted) void this.resume();
    });
    this.publisher.on('close', () => (this.publisherInterrupted = true));
    this.publisher.on('ready', () => {
      if (this.publisherInterrupted || this.undelivered.size > 0) this.redeliver();
      this.publisherInterrupted = false;
    });
  }

  async publish<Payload>(channel: EventChannel<Payload>, message: Payload): Promise<void> {
    const payload = JSON.stringify(message);
    try {
      await this.publisher.publish(channel.name, payload);
    } catch (error) {
      if (channel.redeliver?.(message)) this.undelivered.keep(channel.name, payload);
      else this.logger.debug(`Could not publish on ${channel.name}: ${(error as Error).message}`);
    }
  }

  mayHaveSubscribers(): boolean {
    return true;
  }

  async subscribe<Payload>(
    { name: channel }: EventChannel<Payload>,
    listener: (message: Payload) => void,
    options: SubscribeOptions = {},
  ): Promise<Unsubscribe> {
    if (this.listeners.add(channel, listener)) this.subscriptions.set(channel, this.subscriber.subscribe(channel));
    try {
      await this.subscriptions.get(channel);
    } catch (error) {
      if (this.listeners.remove(channel, listener)) this.subscriptions.delete(channel);
      throw error;
    }
    const resumer = options.onResumed ? { onResumed: options.onResumed } : null;
    if (resumer) this.resumers.add(resumer);
    return async () => {
      if (resumer) this.resumers.delete(resumer);
      if (!this.listeners.remove(channel, listener)) return;
      this.subscriptions.delete(channel);
      await this.subscriber.unsubscribe(channel).catch(() => undefined);
    };
  }

  onApplicationShutdown(): void {
    this.listeners.clear();
    this.subscriptions.clear();
    this.resumers.clear();
  }

  /**
   * ioredis renews the subscriptions itself after a reconnection; subscribing again here
   * (a no-op for Redis) tells when they are active, so a subscriber resynchronising after
   * `onResumed` cannot miss a message published between its re-read and the renewal.
   */
  private async resume(): Promise<void> {
    const channels = [...this.subscriptions.keys()];
    try {
      if (channels.length > 0) await this.subscriber.subscribe(...channels);
    } catch (error) {
      // Lost again before the renewal: the next 'ready' tries again.
      this.logger.debug(`Renewing subscriptions failed: ${(error as Error).message}`);
      return;
    }
    this.subscriberInterrupted = false;
    this.logger.log(`Event subscriptions resumed (${channels.length} channel(s)): subscribers resynchronise`);
    for (const resumer of [...this.resumers]) {
      try {
        resumer.onResumed();
      } catch (error) {
        this.logger.warn(`A subscriber failed to resume: ${(error as Error).message}`);
      }
    }
  }

  private redeliver(): void {
    const messages = this.undelivered.takeAll();
    if (messages.length === 0) return;
    this.logger.log(`Publishing ${messages.length} event(s) kept during the Redis outage`);
    // Sent in order on the one connection; any that fail again are kept for the next reconnection.
    for (const { channel, payload } of messages) {
      this.publisher.publish(channel, payload).catch(() => this.undelivered.keep(channel, payload));
    }
  }

  private deliver(channel: string, payload: string): void {
    if (!this.listeners.has(channel)) return;
    let message: unknown;
    try {
      message = JSON.parse(payload);
    } catch {
      this.logger.warn(`Dropped a malformed event on ${channel}`);
      return;
    }
    this.listeners.deliver(channel, message);
  }
}
