import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AppConfig } from '@/kernel/config/app-config.js';
import { HealthService } from '@/modules/health/health.service.js';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthService,
    private readonly config: AppConfig,
  ) {}

  /** The process is up and its event loop answers HTTP. Nothing else: a restart would not fix a dependency. */
  @Get('live')
  live(): { status: 'ok'; node: string; uptimeSeconds: number } {
    return { status: 'ok', node: this.config.nodeId, uptimeSeconds: Math.round(process.uptime()) };
  }

  /** Every dependency answers; 503 with the reasons otherwise. */
  @Get('ready')
  async ready(@Res() res: Response): Promise<void> {
    const report = await this.health.readiness();
    res.status(report.ready ? 200 : 503).json(report);
  }
}
