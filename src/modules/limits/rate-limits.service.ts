import { Injectable, Logger } from '@nestjs/common';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { QuotaExceededError, RateLimitedError, ServiceUnavailableError } from '@/kernel/errors/domain-error.js';
import { AppConfig } from '@/kernel/config/app-config.js';
import type { Principal, RequestOrigin } from '@/kernel/identity/principal.js';
import type { FunctionRecord } from '@/modules/functions/function.record.js';
import { type RateLimiter, RateLimiterStore } from './rate-limiter-store.js';

const DAY_SECONDS = 24 * 3600;
/** What a client refused for want of the shared counters is told to wait. */
const STORE_DOWN_RETRY_SECONDS = 5;

/**
 * Request rate per user (the principal's subject: every API key of one owner and every JWT
 * of one `sub` share one budget) or, without credentials, per client address; invocation rate per function; invocations per UTC day per function owner.
 * A zero limit disables that check.
 */
@Injectable()
export class RateLimitsService {
  private readonly logger = new Logger(RateLimitsService.name);
  private readonly principals: RateLimiter | null;
  private readonly anonymous: RateLimiter | null;
  private readonly functions: RateLimiter | null;
  private readonly owners: RateLimiter | null;
  private readonly failClosed: boolean;

  constructor(factory: RateLimiterStore, config: AppConfig) {
    const limits = config.rateLimits;
    this.failClosed = limits.onRedisDown === 'closed';
    const window = limits.windowSeconds;
    this.principals = limits.requestsPerPrincipal > 0 ? factory.create('principal', limits.requestsPerPrincipal, window) : null;
    this.anonymous = limits.anonymousRequests > 0 ? factory.create('anonymous', limits.anonymousRequests, window) : null;
    this.functions = limits.invocationsPerFunction > 0 ? factory.create('function', limits.invocationsPerFunction, window) : null;
    // Keys carry the date, so each UTC day starts afresh; the TTL only cleans up.
    this.owners = limits.dailyInvocationsPerOwner > 0 ? factory.create('owner-day', limits.dailyInvocationsPerOwner, DAY_SECONDS + 3600) : null;
  }

  /** One API request (HTTP request or subscription start). */
  async consumeRequest(principal: Principal, origin: RequestOrigin): Promise<void> {
    if (principal.kind === 'anonymous') {
      await this.consume(this.anonymous, `ip:${origin.ip ?? 'unknown'}`, (retry) => new RateLimitedError('Too many requests from this address', retry));
      return;
    }
    // Per user, not per credential: minting more keys (or presenting more JWTs) must not buy more requests.
    const key = principal.subject !== null ? `subject:${principal.subject}` : `credential:${principal.credentialId ?? 'unknown'}`;
    await this.consume(this.principals, key, (retry) => new RateLimitedError('Too many requests for this user', retry));
  }

  /** One invocation of `fn`, whoever calls it. */
  async consumeInvocation(fn: FunctionRecord): Promise<void> {
    await this.consume(this.functions, fn.id, (retry) => new RateLimitedError(`Too many invocations of ${fn.name}`, retry));
    if (fn.ownerId !== null) {
      const now = new Date();
      const day = now.toISOString().slice(0, 10);
      const untilMidnight = Math.ceil((Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime()) / 1000);
      await this.consume(this.owners, `${fn.ownerId}:${day}`, () => new QuotaExceededError("The owner's daily invocation quota is used up", untilMidnight));
    }
  }

  private async consume(limiter: RateLimiter | null, key: string, refusal: (retryAfterSeconds: number) => Error): Promise<void> {
    if (!limiter) return;
    try {
      await limiter.consume(key, 1);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw refusal(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
      // The store can decide nothing (the store reports the outage itself, once).
      if (this.failClosed) throw new ServiceUnavailableError('Rate limits cannot be checked right now (their store is unreachable)', STORE_DOWN_RETRY_SECONDS);
      this.logger.debug(`Rate limiter unavailable, request let through: ${(rejection as Error)?.message ?? String(rejection)}`);
    }
  }
}
