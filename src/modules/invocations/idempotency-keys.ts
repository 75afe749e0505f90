/**
 * Storage port: idempotency keys, each naming the invocation it started for a while. The
 * claim is one atomic write in the store, so two nodes receiving the same key at once
 * start one invocation between them.
 */
export abstract class IdempotencyKeys {
  /**
   * Claims `key` within `scope` for `invocationId` until `expiresAt`, unless it is held and
   * not expired at `now`. Returns the invocation id that holds the key afterwards: the given
   * one when the claim succeeded, an earlier one otherwise.
   */
  abstract claim(scope: string, key: string, invocationId: string, expiresAt: Date, now: Date): Promise<string>;
  /** Gives the key up if `invocationId` still holds it (its invocation was refused before it was recorded). */
  abstract release(scope: string, key: string, invocationId: string): Promise<void>;
  abstract deleteExpired(now: Date): Promise<number>;
}
