/**
 * Why these exist: an async generator that is waiting (on an `await` inside its body)
 * queues a `return()` call until it next yields. A subscription generator waiting for
 * the next event would therefore outlive its client (socket closed, `complete` sent)
 * until some event happened to arrive, keeping its bus subscription and buffer.
 */

/**
 * `generator`, except that `return()` first closes `source` (the queue the generator
 * waits on): the wait ends at once, the generator's `finally` runs, and it completes.
 */
export function interruptible<T>(source: { close(): Promise<void> }, generator: AsyncGenerator<T>): AsyncGenerator<T> {
  const interrupted: AsyncGenerator<T> = {
    next: (...args) => generator.next(...args),
    async return(value) {
      await source.close();
      return generator.return(value as T);
    },
    async throw(error) {
      await source.close();
      return generator.throw(error);
    },
    [Symbol.asyncIterator]: () => interrupted,
    // `await using` (Node.js 24 async generators have it): disposing is returning.
    [Symbol.asyncDispose]: async () => {
      await interrupted.return(undefined);
    },
  };
  return interrupted;
}

/** `map` over a stream, passing `return()` straight through (unlike a mapping async generator). */
export function mapStream<S, T>(source: AsyncIterable<S>, map: (item: S) => T): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const mapped: AsyncGenerator<T> = {
    async next() {
      const result = await iterator.next();
      return result.done ? { value: undefined, done: true } : { value: map(result.value), done: false };
    },
    async return() {
      await iterator.return?.();
      return { value: undefined, done: true };
    },
    async throw(error) {
      await iterator.return?.();
      throw error;
    },
    [Symbol.asyncIterator]: () => mapped,
    // `await using` (Node.js 24 async generators have it): disposing is returning.
    [Symbol.asyncDispose]: async () => {
      await mapped.return(undefined);
    },
  };
  return mapped;
}
