import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentActor } from '@/api/http/auth/current-actor.decorator.js';
import type { Actor } from '@/kernel/identity/principal.js';
import { parseReplayDocument } from '@/modules/replay/replay-request.schema.js';
import type { ReplayReport } from '@/modules/replay/replay.record.js';
import { ReplayService } from '@/modules/replay/replay.service.js';

/** The REST face of `replayInvocations`: same rules, same audit; answers the report as JSON. */
@Controller('functions/:functionId/replay')
export class ReplayController {
  constructor(private readonly replays: ReplayService) {}

  /** Body `{ targetVersion, invocationIds?, filter?: { status?, since?, until? }, limit? }`. */
  @Post()
  @HttpCode(200)
  async replay(@Param('functionId') functionId: string, @Body() body: unknown, @CurrentActor() actor: Actor): Promise<ReplayReport> {
    return this.replays.replay(actor, parseReplayDocument(functionId, body ?? {}));
  }
}
