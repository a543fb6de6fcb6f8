import { DynamicModule, Module } from '@nestjs/common';

import { FLOW_CONFIG, type FlowConfig } from '@flow/api/core';
import { DeadLettersModule } from '@flow/api/dead-letters';
import { FilesModule } from '@flow/api/files';
import { PipelinesModule } from '@flow/api/pipelines';

import { RunExecutor } from './run-executor';
import { NodeMetricsController, RunsController } from './runs.controller';
import { RunsRepository } from './runs.repository';
import { RunsService } from './runs.service';
import { WorkerService } from './worker.service';
import {
  WORKER_OPTIONS,
  workerOptions,
  type WorkerOptions,
} from './worker-options';

/**
 * Runs: the manual-trigger and history API, the worker (claim, execute, heartbeat, retry) and the reaper. The worker
 * starts with the application when `WORKER_ENABLED` (the default); `register()` tunes it (tests, the worker process).
 */
@Module({})
export class RunsModule {
  static register(overrides: Partial<WorkerOptions> = {}): DynamicModule {
    return {
      module: RunsModule,
      imports: [PipelinesModule, DeadLettersModule, FilesModule],
      controllers: [RunsController, NodeMetricsController],
      providers: [
        {
          provide: WORKER_OPTIONS,
          useFactory: (config: FlowConfig) => workerOptions(config, overrides),
          inject: [FLOW_CONFIG],
        },
        RunsRepository,
        RunsService,
        RunExecutor,
        WorkerService,
      ],
      exports: [WorkerService, RunsService],
    };
  }
}
