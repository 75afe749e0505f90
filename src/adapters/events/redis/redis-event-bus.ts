import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import { EventBus, type Unsubscribe } from '@/kernel/events/event-bus.js';
import type { EventChannel } from '@/kernel/events/event-channel.js';
import { RedisConnections } from '@/adapters/redis/redis-connections.js';
import { ChannelListeners } from '@/adapters/events/channel-listeners.js';

/**
 * Events over Redis pub/sub, so every server node sees every other node's events. One
 * subscriber connection per process; a Redis channel is subscribed while at least one
 * local listener wants it, so a node receives only what its own clients asked for.
 */
@Injectable()
export class RedisEventBus extends EventBus implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisEventBus.name);
  private readonly listeners: ChannelListeners;
  /** Per channel, the pending or completed SUBSCRIBE every local listener waits for. */
  private readonly subscriptions = new Map<string, Promise<unknown>>();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;

  constructor(connections: RedisConnections, errors: UnexpectedErrors) {
    super();
    this.listeners = new ChannelListeners(errors);
    this.publisher = connections.client;
    this.subscriber = connections.open('events');
    this.subscriber.on('message', (channel: string, payload: string) => this.deliver(channel, payload));
  }

  async publish<Payload>(channel: EventChannel<Payload>, message: Payload): Promise<void> {
    try {
      await this.publisher.publish(channel.name, JSON.stringify(message));
    } catch (error) {
      this.logger.warn(`Could not publish on ${channel.name}: ${(error as Error).message}`);
    }
  }

  mayHaveSubscribers(): boolean {
    return true;
  }

  async subscribe<Payload>({ name: channel }: EventChannel<Payload>, listener: (message: Payload) => void): Promise<Unsubscribe> {
    if (this.listeners.add(channel, listener)) this.subscriptions.set(channel, this.subscriber.subscribe(channel));
    try {
      await this.subscriptions.get(channel);
    } catch (error) {
      if (this.listeners.remove(channel, listener)) this.subscriptions.delete(channel);
      throw error;
    }
    return async () => {
      if (!this.listeners.remove(channel, listener)) return;
      this.subscriptions.delete(channel);
      await this.subscriber.unsubscribe(channel).catch(() => undefined);
    };
  }

  onApplicationShutdown(): void {
    this.listeners.clear();
    this.subscriptions.clear();
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
