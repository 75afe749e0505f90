import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { PlatformMetrics } from './platform-metrics.js';

/** Prometheus' scrape endpoint (text exposition format). */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: PlatformMetrics) {}

  @Get()
  async scrape(@Res() res: Response): Promise<void> {
    const { contentType, body } = await this.metrics.scrape();
    res.setHeader('content-type', contentType);
    res.setHeader('cache-control', 'no-store');
    res.send(body);
  }
}
