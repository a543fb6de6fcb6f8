import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';

import { CronSecret } from '@flow/api/tenancy';
import type { TickResult } from '@flow/contracts';

import { TickService } from './tick.service';

/** Called every minute by an external cron (Vercel Cron sends GET) with `Authorization: Bearer <CRON_SECRET>`. */
@ApiTags('scheduler')
@ApiBearerAuth()
@CronSecret()
@Controller('cron')
export class TickController {
  constructor(private readonly ticks: TickService) {}

  @Get('flow-scheduler-tick')
  @ApiOperation({
    summary:
      'Run one scheduler tick (200 {"skipped": true} when another tick holds the lock)',
  })
  tickFromGet(): Promise<TickResult> {
    return this.ticks.tick({ caller: 'http' });
  }

  @Post('flow-scheduler-tick')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run one scheduler tick (same as GET)' })
  tickFromPost(): Promise<TickResult> {
    return this.ticks.tick({ caller: 'http' });
  }
}
