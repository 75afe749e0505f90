/** A counting semaphore: at most `size` builds run at once, the others wait in order. */
export class BuildSlots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, so `running` stays correct.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** Whether a new task would have to wait. */
  get full(): boolean {
    return this.running >= this.size;
  }

  get queued(): number {
    return this.waiting.length;
  }
}
