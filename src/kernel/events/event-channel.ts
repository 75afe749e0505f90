/**
 * A named event channel and the type of what travels on it. The payload type exists only
 * for the compiler: publishing the wrong shape, or reading a channel as the wrong type, is
 * a type error instead of a cast at every listener. Payloads cross processes as JSON, so
 * they hold plain data (dates as epoch milliseconds).
 */
export interface EventChannel<Payload> {
  readonly name: string;
  /** Never set: carries `Payload` through the type system. */
  readonly payload?: Payload;
}

/** A channel with a fixed name (`functions.changed`). */
export function eventChannel<Payload>(name: string): EventChannel<Payload> {
  return { name };
}

/**
 * A family of per-entity channels (`invocation.<id>.logs`): one channel per entity, so a
 * node receives only what its own subscribers asked for.
 */
export function eventChannelFamily<Payload>(prefix: string, suffix: string): (id: string) => EventChannel<Payload> {
  return (id) => ({ name: `${prefix}.${id}.${suffix}` });
}
