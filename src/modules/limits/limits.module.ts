import { Global, Module } from '@nestjs/common';
import { LimiterFactory } from '@/adapters/limits/rate-limiter-store.js';
import { RateLimitsService } from './rate-limits.service.js';

@Global()
@Module({
  providers: [LimiterFactory, RateLimitsService],
  exports: [RateLimitsService],
})
export class LimitsModule {}
