/**
 * Passes a subscription's items through while `stillAllowed` holds, checking before each
 * one: access can be withdrawn mid-stream (permissions changed, function deleted). When it
 * no longer holds, the source is closed and the stream fails with `refusal()`, which the
 * client receives as the subscription's error. (Credential expiry and revocation are
 * checked for every event of every subscription by the graphql-ws guard.)
 */
export function guardedStream<T>(source: AsyncIterable<T>, stillAllowed: () => Promise<boolean>, refusal: () => Error): AsyncGenerator<T> {
  // Not an async generator: its return() would wait for the source's next item, keeping a
  // departed client's subscription open until then. This one passes return() straight on.
  const iterator = source[Symbol.asyncIterator]();
  const close = async () => {
    await iterator.return?.();
  };
  const guarded: AsyncGenerator<T> = {
    async next() {
      const next = await iterator.next();
      if (next.done) return { value: undefined, done: true };
      if (!(await stillAllowed())) {
        await close();
        throw refusal();
      }
      return next;
    },
    async return() {
      await close();
      return { value: undefined, done: true };
    },
    async throw(error) {
      await close();
      throw error;
    },
    [Symbol.asyncIterator]: () => guarded,
    // `await using` (Node.js 24 async generators have it): disposing is returning.
    [Symbol.asyncDispose]: async () => {
      await guarded.return(undefined);
    },
  };
  return guarded;
}
