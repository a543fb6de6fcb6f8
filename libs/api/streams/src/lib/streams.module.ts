import { DynamicModule, Module } from '@nestjs/common';

import { FLOW_CONFIG, type FlowConfig } from '@flow/api/core';
import { PipelinesModule } from '@flow/api/pipelines';

import type { StreamWorkerOptions } from './partition-consumer';
import { StreamBroker } from './stream-broker';
import { StreamStatusController } from './stream-status.controller';
import { StreamStatusService } from './stream-status.service';
import {
  STREAM_WORKER_OPTIONS,
  StreamWorkerService,
} from './stream-worker.service';
import { StreamsRepository } from './streams.repository';

export type StreamsModuleOptions = Partial<
  StreamWorkerOptions & { autoStart: boolean }
>;

/**
 * Streaming (DESIGN §16): the NATS connection, the stream worker and its offsets. The worker starts with the
 * application when `FLOW_STREAMING_ENABLED` and `STREAM_WORKER_ENABLED`; `register()` overrides (tests, the
 * stream-worker process).
 */
@Module({})
export class StreamsModule {
  static register(overrides: StreamsModuleOptions = {}): DynamicModule {
    return {
      module: StreamsModule,
      imports: [PipelinesModule],
      controllers: [StreamStatusController],
      providers: [
        {
          provide: STREAM_WORKER_OPTIONS,
          useFactory: (config: FlowConfig) => ({
            batchMax: config.streamBatchMax,
            batchMs: config.streamBatchMs,
            ackWaitMs: 30_000,
            statementTimeoutMs: 60_000,
            autoStart: config.streamingEnabled && config.streamWorkerEnabled,
            ...overrides,
          }),
          inject: [FLOW_CONFIG],
        },
        StreamBroker,
        StreamsRepository,
        StreamWorkerService,
        StreamStatusService,
      ],
      exports: [StreamWorkerService, StreamBroker, StreamsRepository],
    };
  }
}
