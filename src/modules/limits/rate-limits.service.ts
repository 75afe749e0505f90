import { Injectable, Logger } from '@nestjs/common';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { QuotaExceededError, RateLimitedError } from '@/kernel/errors/domain-error.js';
import { AppConfig } from '@/kernel/config/app-config.js';
import type { Principal, RequestOrigin } from '@/kernel/identity/principal.js';
import type { FunctionRecord } from '@/modules/functions/function.record.js';
import { RateLimiterStore } from './rate-limiter-store.js';

const DAY_SECONDS = 24 * 3600;

/**
 * Request rate per credential (API key, JWT subject) or, without credentials, per client
 * address; invocation rate per function; invocations per UTC day per function owner.
 * A zero limit disables that check.
 */
@Injectable()
export class RateLimitsService {
  private readonly logger = new Logger(RateLimitsService.name);
  private readonly principals: RateLimiterAbstract | null;
  private readonly anonymous: RateLimiterAbstract | null;
  private readonly functions: RateLimiterAbstract | null;
  private readonly owners: RateLimiterAbstract | null;

  constructor(factory: RateLimiterStore, config: AppConfig) {
    const limits = config.rateLimits;
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
    const key = principal.credentialId ?? `subject:${principal.subject}`;
    await this.consume(this.principals, key, (retry) => new RateLimitedError('Too many requests for this credential', retry));
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

  private async consume(limiter: RateLimiterAbstract | null, key: string, refusal: (retryAfterSeconds: number) => Error): Promise<void> {
    if (!limiter) return;
    try {
      await limiter.consume(key, 1);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw refusal(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
      // The store failed and so did its fallback: let the request through rather than fail it.
      this.logger.warn(`Rate limiter unavailable: ${(rejection as Error)?.message ?? String(rejection)}`);
    }
  }
}
