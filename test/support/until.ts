/** Polls `probe` every 100 ms until `done` holds of its value or `timeoutMs` passes; returns the last value (the caller asserts on it). */
export async function until<T>(probe: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    value = await probe();
  }
  return value;
}
