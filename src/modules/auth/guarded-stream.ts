/**
 * Passes a subscription's items through while `stillAllowed` holds, checking before each
 * one: access can be withdrawn mid-stream (permissions changed, function deleted). When it
 * no longer holds, the source is closed and the stream fails with `refusal()`, which the
 * client receives as the subscription's error. (Credential expiry and revocation are
 * checked for every event of every subscription by the graphql-ws guard.)
 */
export async function* guardedStream<T>(source: AsyncIterable<T>, stillAllowed: () => Promise<boolean>, refusal: () => Error): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      if (!(await stillAllowed())) throw refusal();
      yield next.value;
    }
  } finally {
    await iterator.return?.();
  }
}
