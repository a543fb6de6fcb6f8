import { DynamicModule, Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';

import {
  FlowConfigModule,
  loggingModule,
  type FlowConfig,
} from '@flow/api/core';
import { DatabaseModule } from '@flow/api/db';
import { DeadLettersModule } from '@flow/api/dead-letters';
import { PipelinesModule } from '@flow/api/pipelines';
import { RunsModule } from '@flow/api/runs';
import { SchedulerModule } from '@flow/api/scheduler';
import { StreamsModule } from '@flow/api/streams';
import { TenancyModule } from '@flow/api/tenancy';

import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';

/** The composition root: infrastructure (config, database), tenancy, and the feature modules. */
@Module({})
export class AppModule {
  /** `quietStartup`: `serve` prints its banner first (see loggingModule). */
  static register(
    config: FlowConfig,
    dataSource: DataSource,
    options: { quietStartup?: boolean } = {},
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        FlowConfigModule.forRoot(config),
        loggingModule(config, options),
        DatabaseModule.forDataSource(dataSource),
        TenancyModule,
        PipelinesModule,
        RunsModule.register(),
        DeadLettersModule,
        SchedulerModule,
        StreamsModule.register(),
      ],
      controllers: [HealthController, MetricsController],
    };
  }
}
