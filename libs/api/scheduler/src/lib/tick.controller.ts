import { Controller, Get, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import { Endpoint, type EndpointDeclaration } from '@flow/api/core';
import { CronSecret } from '@flow/api/tenancy';
import { TickResultSchema, type TickResult } from '@flow/contracts';

import { TickService } from './tick.service';

const TICK: Omit<EndpointDeclaration, 'summary'> = {
  description:
    'Dispatches a run for every due fire of every tenant’s pipelines. Answers 200 `{"skipped": true, "reason": "locked"}` when another tick holds the lock (not an error). A POST body is ignored; an empty one is fine whatever its Content-Type.',
  security: 'cron-secret',
  response: TickResultSchema,
};

/** Called every minute by an external cron (Vercel Cron sends GET) with `Authorization: Bearer <CRON_SECRET>`. */
@ApiTags('scheduler')
@CronSecret()
@Controller('cron')
export class TickController {
  constructor(private readonly ticks: TickService) {}

  @Get('flow-scheduler-tick')
  @Endpoint({ ...TICK, summary: 'Run one scheduler tick' })
  tickFromGet(): Promise<TickResult> {
    return this.ticks.tick({ caller: 'http' });
  }

  @Post('flow-scheduler-tick')
  @Endpoint({ ...TICK, summary: 'Run one scheduler tick (same as GET)' })
  tickFromPost(): Promise<TickResult> {
    return this.ticks.tick({ caller: 'http' });
  }
}
