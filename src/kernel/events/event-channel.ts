/**
 * A named event channel and the type of what travels on it. The payload type exists only
 * for the compiler: publishing the wrong shape, or reading a channel as the wrong type, is
 * a type error instead of a cast at every listener. Payloads cross processes as JSON, so
 * they hold plain data (dates as epoch milliseconds).
 */
export interface EventChannel<Payload> {
  readonly name: string;
  /**
   * Messages for which this says true are kept when the broker cannot take them (an
   * outage) and published once it can: final events that a subscriber would otherwise
   * wait for forever, or changes other nodes must not miss. Receivers must tolerate
   * duplicates and late arrival.
   */
  redeliver?(message: Payload): boolean;
  /** Never set: carries `Payload` through the type system. */
  readonly payload?: Payload;
}

export interface EventChannelOptions<Payload> {
  redeliver?: (message: Payload) => boolean;
}

/** A channel with a fixed name (`functions.changed`). */
export function eventChannel<Payload>(name: string, options: EventChannelOptions<Payload> = {}): EventChannel<Payload> {
  return { name, ...options };
}

/**
 * A family of per-entity channels (`invocation.<id>.logs`): one channel per entity, so a
 * node receives only what its own subscribers asked for.
 */
export function eventChannelFamily<Payload>(prefix: string, suffix: string, options: EventChannelOptions<Payload> = {}): (id: string) => EventChannel<Payload> {
  return (id) => ({ name: `${prefix}.${id}.${suffix}`, ...options });
}

/** For `redeliver`: every message of the channel. */
export const always = (): boolean => true;
