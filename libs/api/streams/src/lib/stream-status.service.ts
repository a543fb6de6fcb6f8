import {
  Inject,
  Injectable,
  NotFoundException,
  OnModuleInit,
} from '@nestjs/common';
import type { MsgRequest } from '@nats-io/jetstream';
import { Gauge } from 'prom-client';

import {
  FLOW_CONFIG,
  FlowMetrics,
  isUuid,
  type FlowConfig,
} from '@flow/api/core';
import type { TenantContext } from '@flow/api/tenancy';
import {
  STREAM_LAG_AMBER_SECONDS,
  type StreamNode,
  type StreamPartitionStatus,
  type StreamPipelineStatus,
  type StreamStatusResponse,
} from '@flow/contracts';

import { durableName } from './partition-consumer';
import { StreamBroker, type BrokerSession } from './stream-broker';
import {
  StreamsRepository,
  type StreamingPipelineRow,
} from './streams.repository';

/** A broker that does not answer within this long counts as down for one status request. */
const BROKER_TIMEOUT_MS = 2_000;

/**
 * Per-partition lag (DESIGN §16): messages after the committed sequence (the durable consumer's pending plus
 * delivered-but-unacknowledged messages: it starts at committed + 1 and is acknowledged only after each commit) and
 * the age of the oldest of them. Serves `GET /stream-status` (tenant-scoped) and `flow_stream_partition_lag`.
 */
@Injectable()
export class StreamStatusService implements OnModuleInit {
  constructor(
    private readonly repository: StreamsRepository,
    private readonly broker: StreamBroker,
    private readonly metrics: FlowMetrics,
    @Inject(FLOW_CONFIG) private readonly config: FlowConfig,
  ) {}

  onModuleInit(): void {
    if (!this.config.streamingEnabled) return;
    if (this.metrics.registry.getSingleMetric('flow_stream_partition_lag'))
      return;
    const lagsOfAll = () => this.lagsOfAll();
    new Gauge({
      name: 'flow_stream_partition_lag',
      help: 'Messages of a stream partition after its committed sequence (DESIGN §16)',
      labelNames: ['pipeline', 'partition'] as const,
      registers: [this.metrics.registry],
      async collect() {
        this.reset();
        for (const { labels, lag } of await lagsOfAll()) this.set(labels, lag);
      },
    });
  }

  /** Every stream pipeline's partition lags (all tenants), for the gauge; empty when they cannot be read. */
  private async lagsOfAll(): Promise<
    { labels: { pipeline: string; partition: string }; lag: number }[]
  > {
    const pipelines = await this.statusOf(
      await this.repository.streamingPipelines(),
    ).catch(() => []);
    return pipelines.flatMap((pipeline) =>
      pipeline.partitions.flatMap(({ partition, lag }) =>
        lag === null
          ? []
          : [
              {
                labels: { pipeline: pipeline.id, partition: String(partition) },
                lag,
              },
            ],
      ),
    );
  }

  async get(
    tenant: TenantContext,
    query: { pipelineId?: unknown },
  ): Promise<StreamStatusResponse> {
    const generatedAt = new Date().toISOString();
    let rows = await this.repository.streamingPipelines(tenant.id, true);
    if (query.pipelineId !== undefined) {
      const id = query.pipelineId;
      rows = rows.filter(
        (row) => typeof id === 'string' && isUuid(id) && row.id === id,
      );
      if (rows.length === 0) throw new NotFoundException('Pipeline not found');
    }
    const session = await this.session();
    return {
      generatedAt,
      enabled: this.config.streamingEnabled,
      brokerUp: session !== null,
      lagAmberSeconds: STREAM_LAG_AMBER_SECONDS,
      pipelines: await this.statusOf(rows, session),
    };
  }

  private async session(): Promise<BrokerSession | null> {
    if (!this.config.streamingEnabled) return null;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), BROKER_TIMEOUT_MS);
    });
    const session = await Promise.race([
      this.broker.get().catch(() => null),
      timeout,
    ]);
    clearTimeout(timer);
    return session && !session.nc.isClosed() && (await this.broker.isUp())
      ? session
      : null;
  }

  private async statusOf(
    rows: StreamingPipelineRow[],
    session?: BrokerSession | null,
  ): Promise<StreamPipelineStatus[]> {
    const broker = session === undefined ? await this.session() : session;
    const offsets = await this.repository.offsets(rows.map((row) => row.id));
    const committedOf = (pipelineId: string, partition: number) =>
      Number(
        offsets.find(
          (o) => o.pipeline_id === pipelineId && o.partition === partition,
        )?.seq ?? 0,
      );
    const result: StreamPipelineStatus[] = [];
    for (const row of rows) {
      const node = row.ir.nodes.find(
        (n): n is StreamNode => n.type === 'stream',
      );
      if (!node) continue;
      const partitions: StreamPartitionStatus[] = [];
      for (let partition = 0; partition < node.partitions; partition++) {
        const committedSeq = committedOf(row.id, partition);
        partitions.push(
          broker
            ? await partitionStatus(
                broker,
                row.id,
                node,
                partition,
                committedSeq,
              )
            : unknown(partition, committedSeq),
        );
      }
      result.push({
        id: row.id,
        name: row.name,
        paused: row.paused,
        stream: node.stream,
        subject: node.subject,
        partitions,
      });
    }
    return result;
  }
}

function unknown(
  partition: number,
  committedSeq: number,
): StreamPartitionStatus {
  return {
    partition,
    lastSeq: null,
    committedSeq,
    lag: null,
    oldestAgeSeconds: null,
    lagLevel: 'none',
  };
}

async function partitionStatus(
  { jsm }: BrokerSession,
  pipelineId: string,
  node: StreamNode,
  partition: number,
  committedSeq: number,
): Promise<StreamPartitionStatus> {
  const subject = `${node.subject}.${partition}`;
  try {
    const last = await jsm.streams
      .getMessage(node.stream, { last_by_subj: subject })
      .catch(() => null);
    const lastSeq = last?.seq ?? null;
    let lag: number | null;
    if (lastSeq === null || lastSeq <= committedSeq) lag = 0;
    else {
      const info = await jsm.consumers
        .info(node.stream, durableName(pipelineId, partition))
        .catch(() => null);
      lag = info ? info.num_pending + info.num_ack_pending : null;
    }
    let oldestAgeSeconds: number | null = lag === 0 ? 0 : null;
    if (lag !== null && lag > 0) {
      const oldest = await jsm.streams
        .getMessage(
          node.stream, // MSG.GET takes `next_by_subj` since NATS 2.9; the client's type only lists it for direct gets.
          {
            seq: committedSeq + 1,
            next_by_subj: subject,
          } as unknown as MsgRequest,
        )
        .catch(() => null);
      if (oldest)
        oldestAgeSeconds = Math.max(
          0,
          Math.round((Date.now() - oldest.time.getTime()) / 100) / 10,
        );
    }
    const lagLevel =
      lag === null
        ? 'none'
        : lag > 0 && (oldestAgeSeconds ?? 0) >= STREAM_LAG_AMBER_SECONDS
          ? 'amber'
          : 'green';
    return {
      partition,
      lastSeq,
      committedSeq,
      lag,
      oldestAgeSeconds,
      lagLevel,
    };
  } catch {
    return unknown(partition, committedSeq);
  }
}
