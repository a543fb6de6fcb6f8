import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';

import { FLOW_CONFIG, type FlowConfig } from '@flow/api/core';

import { TickService } from './tick.service';

const JOB_NAME = 'flow-scheduler-tick';

/**
 * The in-process tick (embedded mode, or SCHEDULER_INTERNAL_TICK=true): at second 0 of every minute it calls the
 * same TickService, through the same advisory lock, as the HTTP tick. It only triggers work.
 */
@Injectable()
export class InternalTickJob
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(InternalTickJob.name);

  constructor(
    private readonly ticks: TickService,
    private readonly registry: SchedulerRegistry,
    @Inject(FLOW_CONFIG) private readonly config: FlowConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.schedulerInternalTick) return;
    const job = CronJob.from({
      cronTime: '0 * * * * *',
      onTick: () => this.runTick(),
      start: true,
      timeZone: 'UTC',
    });
    this.registry.addCronJob(JOB_NAME, job);
    this.logger.log('In-process scheduler tick enabled (every minute)');
  }

  onApplicationShutdown(): void {
    if (this.registry.doesExist('cron', JOB_NAME))
      this.registry.deleteCronJob(JOB_NAME);
  }

  private async runTick(): Promise<void> {
    try {
      const result = await this.ticks.tick({ caller: 'internal' });
      if (!result.skipped && (result.dispatched > 0 || result.failed > 0)) {
        this.logger.log(
          `Tick dispatched ${result.dispatched} of ${result.due} due (${result.coalesced} coalesced, ${result.skippedByPolicy} skipped by policy, ${result.failed} failed) in ${result.durationMs} ms`,
        );
      }
    } catch (error) {
      this.logger.error(
        `In-process tick failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
