import { Module } from '@nestjs/common';
import { MetricsModule } from '@/adapters/observability/metrics/metrics.module.js';
import { RedisConnections } from './redis-connections.js';

/** This process's Redis connections (when `REDIS_URL` is set), timed into the metrics. */
@Module({
  imports: [MetricsModule],
  providers: [RedisConnections],
  exports: [RedisConnections],
})
export class RedisModule {}
