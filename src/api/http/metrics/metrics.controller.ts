import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ForbiddenError, UnauthenticatedError } from '@/kernel/errors/domain-error.js';
import { CurrentActor } from '@/api/http/auth/current-actor.decorator.js';
import { type Actor, isAdmin, isAuthenticated } from '@/kernel/identity/principal.js';
import { MetricsExporter } from '@/kernel/telemetry/metrics-exporter.js';

/**
 * Prometheus' scrape endpoint (text exposition format) on the API port. Admins only: the
 * labels name every busy function, whoever owns it. Scrapers without a credential use the
 * separate listener (`FNGRAPH_METRICS_PORT`, see `MetricsListener`).
 */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsExporter) {}

  @Get()
  async scrape(@CurrentActor() actor: Actor, @Res() res: Response): Promise<void> {
    if (!isAuthenticated(actor.principal)) throw new UnauthenticatedError();
    if (!isAdmin(actor.principal)) throw new ForbiddenError('Metrics are for administrators (or use FNGRAPH_METRICS_PORT on an internal network)');
    const { contentType, body } = await this.metrics.scrape();
    res.setHeader('content-type', contentType);
    res.setHeader('cache-control', 'no-store');
    res.send(body);
  }
}
