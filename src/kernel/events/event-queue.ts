/**
 * A bounded queue read as an async iterator: the bridge between event listeners (push)
 * and GraphQL subscriptions (pull). When the reader falls behind by `capacity` items the
 * oldest are dropped (counted, see `takeDropped`), so a reader that stops reading costs
 * a constant amount of memory and O(1) work per event.
 */
export class EventQueue<T> implements AsyncIterableIterator<T> {
  private readonly ring: Array<T | undefined>;
  private head = 0;
  private length = 0;
  private waiting: ((result: IteratorResult<T>) => void) | null = null;
  private closed = false;
  private dropped = 0;

  constructor(
    private readonly capacity: number,
    private readonly onClose: () => Promise<void> | void = () => undefined,
  ) {
    this.ring = new Array<T | undefined>(capacity);
  }

  /** How many items were dropped since the last call; resets the count. */
  takeDropped(): number {
    const dropped = this.dropped;
    this.dropped = 0;
    return dropped;
  }

  push(item: T): void {
    if (this.closed) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: item, done: false });
      return;
    }
    if (this.length === this.capacity) {
      this.head = (this.head + 1) % this.capacity;
      this.length--;
      this.dropped++;
    }
    this.ring[(this.head + this.length) % this.capacity] = item;
    this.length++;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.length > 0) {
      const item = this.ring[this.head] as T;
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
      this.length--;
      return Promise.resolve({ value: item, done: false });
    }
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  async return(): Promise<IteratorResult<T>> {
    await this.close();
    return { value: undefined, done: true };
  }

  async throw(error?: unknown): Promise<IteratorResult<T>> {
    await this.close();
    throw error;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ring.fill(undefined);
    this.length = 0;
    if (this.waiting) {
      this.waiting({ value: undefined, done: true });
      this.waiting = null;
    }
    await this.onClose();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
