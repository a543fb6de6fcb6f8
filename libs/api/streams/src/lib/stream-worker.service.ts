import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';

import { FLOW_CONFIG, type FlowConfig } from '@flow/api/core';
import { CatalogService } from '@flow/api/pipelines';
import type { StreamNode } from '@flow/contracts';

import {
  PartitionConsumer,
  type StreamWorkerOptions,
} from './partition-consumer';
import { StreamBroker } from './stream-broker';
import { StreamsRepository } from './streams.repository';

export const STREAM_WORKER_OPTIONS = Symbol('STREAM_WORKER_OPTIONS');

/** How often the worker looks for new, changed, paused or deleted stream pipelines. */
export const STREAM_REFRESH_MS = 5_000;

/**
 * The stream worker (DESIGN §16): one {@link PartitionConsumer} per (streaming pipeline, partition), kept in step with
 * the pipelines every {@link STREAM_REFRESH_MS}. Runs in the api when `FLOW_STREAMING_ENABLED` (and
 * `STREAM_WORKER_ENABLED`), or as `npm run flow -- stream-worker`. Shutdown drains each consumer's batch in flight.
 */
@Injectable()
export class StreamWorkerService
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger('StreamWorker');
  /** By pipeline id: its consumers and the IR version they run. */
  private readonly pipelines = new Map<
    string,
    { updatedAt: number; consumers: PartitionConsumer[] }
  >();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private refreshing: Promise<void> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly broker: StreamBroker,
    private readonly repository: StreamsRepository,
    private readonly catalog: CatalogService,
    @Inject(FLOW_CONFIG) private readonly config: FlowConfig,
    @Inject(STREAM_WORKER_OPTIONS)
    private readonly options: StreamWorkerOptions & { autoStart: boolean },
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.autoStart) this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.logger.log(
      `stream worker started (${this.config.natsUrl}; batches of ≤ ${this.options.batchMax} messages or ${this.options.batchMs} ms)`,
    );
    const tick = () => {
      void this.refresh().catch((error: unknown) =>
        this.logger.warn(`refresh failed: ${messageOf(error)}`),
      );
    };
    tick();
    this.timer = setInterval(tick, STREAM_REFRESH_MS);
    this.timer.unref();
  }

  /** Stops every consumer after its batch in flight (committed and acknowledged). */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    await this.refreshing?.catch(() => undefined);
    const all = [...this.pipelines.values()].flatMap((p) => p.consumers);
    this.pipelines.clear();
    await Promise.all(all.map((consumer) => consumer.stop()));
  }

  /** The consumers now running (tests). */
  consumers(): PartitionConsumer[] {
    return [...this.pipelines.values()].flatMap((p) => p.consumers);
  }

  /** Starts consumers of new or changed stream pipelines, stops those of paused, changed or deleted ones. */
  refresh(): Promise<void> {
    this.refreshing ??= this.sync().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async sync(): Promise<void> {
    if (!this.running) return;
    const rows = await this.repository.streamingPipelines();
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.id);
      const current = this.pipelines.get(row.id);
      if (current && current.updatedAt === row.updated_at.getTime()) continue;
      if (current) await Promise.all(current.consumers.map((c) => c.stop()));
      if (!this.running) return;
      const consumers = row.ir.nodes
        .filter((node): node is StreamNode => node.type === 'stream')
        .flatMap((node) =>
          Array.from(
            { length: node.partitions },
            (_, partition) =>
              new PartitionConsumer(
                {
                  dataSource: this.dataSource,
                  broker: this.broker,
                  repository: this.repository,
                  catalog: this.catalog,
                  options: this.options,
                },
                row,
                node,
                partition,
              ),
          ),
        );
      this.pipelines.set(row.id, {
        updatedAt: row.updated_at.getTime(),
        consumers,
      });
      consumers.forEach((consumer) => consumer.start());
    }
    for (const [id, entry] of this.pipelines) {
      if (seen.has(id)) continue;
      this.pipelines.delete(id);
      await Promise.all(entry.consumers.map((c) => c.stop()));
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
