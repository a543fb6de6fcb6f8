import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';

import { InternalTickJob } from './internal-tick.job';
import { SchedulerRepository } from './scheduler.repository';
import { StatusController } from './status.controller';
import { StatusService } from './status.service';
import { TickController } from './tick.controller';
import { TickHealthService } from './tick-health.service';
import { TickService } from './tick.service';

/** The scheduler: the advisory-locked tick (HTTP and in-process) and the per-tenant status. */
@Module({
  imports: [ScheduleModule.forRoot()],
  controllers: [TickController, StatusController],
  providers: [
    SchedulerRepository,
    TickService,
    StatusService,
    TickHealthService,
    InternalTickJob,
  ],
  exports: [TickService, TickHealthService],
})
export class SchedulerModule {}
