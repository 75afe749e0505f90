import type { Logger } from '@nestjs/common';

/** Kept messages beyond this drop the oldest: an outage must not grow memory without bound. */
const MAX_KEPT = 10_000;

export interface KeptMessage {
  channel: string;
  payload: string;
}

/** Messages that must be published once Redis is reachable again, oldest first. */
export class Undelivered {
  private messages: KeptMessage[] = [];
  private warned = false;

  constructor(private readonly logger: Logger) {}

  get size(): number {
    return this.messages.length;
  }

  keep(channel: string, payload: string): void {
    if (this.messages.length >= MAX_KEPT) {
      this.messages.shift();
      if (!this.warned) this.logger.warn(`More than ${MAX_KEPT} events kept during a Redis outage: the oldest are dropped`);
      this.warned = true;
    }
    this.messages.push({ channel, payload });
  }

  takeAll(): KeptMessage[] {
    const taken = this.messages;
    this.messages = [];
    this.warned = false;
    return taken;
  }
}
