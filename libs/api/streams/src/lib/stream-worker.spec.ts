import { randomUUID } from 'node:crypto';

import { Module } from '@nestjs/common';

import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

import { FlowMetrics } from '@flow/api/core';
import { createTestApp, type TestApp } from '@flow/api/tenancy/testing';
import type { TenantContext } from '@flow/api/tenancy';
import type { PipelineIr, StreamStatusResponse } from '@flow/contracts';

import { StreamWorkerService } from './stream-worker.service';
import { StreamsModule } from './streams.module';

type NatsConnection = Awaited<ReturnType<typeof connect>>;

const NATS_URL = process.env['TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';
const PARTITIONS = 2;

/** Polls `check` until it returns true (bounded; tolerant of a loaded machine). */
async function eventually(
  check: () => Promise<boolean>,
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe(StreamWorkerService.name, () => {
  let t: TestApp;
  let tenant: TenantContext;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let streamName: string;
  let subject: string;
  let pipelineId: string;
  const schema = 'tenant_acme';

  const ir = (): PipelineIr => ({
    version: 1,
    nodes: [
      {
        id: 'orders',
        type: 'stream',
        stream: streamName,
        subject,
        partitions: PARTITIONS,
        format: 'json',
        columns: [
          { name: 'id', type: 'bigint' },
          { name: 'amount', type: 'numeric' },
          { name: 'status', type: 'text' },
        ],
        key: ['id'],
      },
      {
        id: 'paid',
        type: 'filter',
        input: 'orders',
        where: [{ column: 'status', op: '!=', value: 'test' }],
      },
      {
        id: 'out',
        type: 'target',
        input: 'paid',
        table: 'orders_live',
        mode: 'append',
      },
    ],
  });

  /** Publishes orders `from..to` (ids), partition by id; awaits every ack. */
  async function publish(from: number, to: number): Promise<void> {
    const js = (await import('@nats-io/jetstream')).jetstream(nc);
    const acks = [];
    for (let id = from; id <= to; id++)
      acks.push(
        js.publish(
          `${subject}.${id % PARTITIONS}`,
          JSON.stringify({
            id,
            amount: (id % 100) + 0.5,
            status: 'paid',
            extra: 'ignored',
          }),
        ),
      );
    await Promise.all(acks);
  }

  const targetStats = async () =>
    (
      await t.db.dataSource.query(
        `SELECT count(*)::int AS rows, count(DISTINCT id)::int AS ids FROM ${schema}.orders_live`,
      )
    )[0] as { rows: number; ids: number };
  const targetExists = async () =>
    (
      await t.db.dataSource.query(
        `SELECT to_regclass('${schema}.orders_live') AS t`,
      )
    )[0].t !== null;

  beforeAll(async () => {
    @Module({
      imports: [
        StreamsModule.register({
          autoStart: false,
          batchMs: 50,
          batchMax: 500,
        }),
      ],
    })
    class TestStreamsModule {}
    t = await createTestApp([TestStreamsModule], {
      FLOW_STREAMING_ENABLED: 'true',
      NATS_URL,
    });
    tenant = await t.createTenant('acme');
    nc = await connect({ servers: NATS_URL });
    jsm = await jetstreamManager(nc);
  });

  beforeEach(async () => {
    const suffix = randomUUID().slice(0, 8);
    streamName = `FLOW_TEST_${suffix}`;
    subject = `flowtest.${suffix}`;
    await jsm.streams.add({ name: streamName, subjects: [`${subject}.*`] });
    await t.db.dataSource.query(`DROP TABLE IF EXISTS ${schema}.orders_live`);
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/pipelines',
      headers: { authorization: `Bearer ${await t.tokenFor(tenant)}` },
      payload: { name: `live-${suffix}`, ir: ir() },
    });
    expect(response.statusCode).toBe(201);
    pipelineId = response.json().id;
  });

  afterEach(async () => {
    await t.app.get(StreamWorkerService).stop();
    await t.db.dataSource.query(`DELETE FROM pipelines WHERE id = $1`, [
      pipelineId,
    ]);
    await jsm.streams.delete(streamName).catch(() => undefined);
  });

  afterAll(async () => {
    await nc?.close();
    await t?.close();
  });

  it('writes every message once, stores the offsets in the batch transaction and dead-letters what does not parse', async () => {
    await publish(1, 1000);
    const js = (await import('@nats-io/jetstream')).jetstream(nc);
    const bad = [
      await js.publish(`${subject}.0`, 'not json'),
      await js.publish(`${subject}.1`, JSON.stringify({ id: 'x1', amount: 1 })),
      await js.publish(`${subject}.1`, JSON.stringify([1, 2])),
    ];
    await publish(1001, 1200);
    const worker = t.app.get(StreamWorkerService);
    worker.start();
    await eventually(
      async () => (await targetExists()) && (await targetStats()).rows >= 1200,
    );
    await eventually(async () => {
      const [letters] = await t.db.dataSource.query(
        `SELECT count(*)::int AS n FROM dead_letters WHERE pipeline_id = $1`,
        [pipelineId],
      );
      return letters.n === 3;
    });
    expect(await targetStats()).toEqual({ rows: 1200, ids: 1200 });
    const letters = await t.db.dataSource.query(
      `SELECT kind, partition, seq::int AS seq, run_id, node_id, reason, row FROM dead_letters
        WHERE pipeline_id = $1 ORDER BY seq`,
      [pipelineId],
    );
    expect(letters).toEqual([
      expect.objectContaining({
        kind: 'parse',
        partition: 0,
        seq: bad[0].seq,
        run_id: null,
        node_id: 'orders',
        row: { payload: 'not json' },
      }),
      expect.objectContaining({
        kind: 'parse',
        partition: 1,
        seq: bad[1].seq,
        reason: 'field "id": expected an integer',
      }),
      expect.objectContaining({
        kind: 'parse',
        partition: 1,
        seq: bad[2].seq,
        reason: 'expected a JSON object',
      }),
    ]);
    const info = await jsm.streams.info(streamName);
    const offsets = await t.db.dataSource.query(
      `SELECT partition, seq::int AS seq FROM stream_offsets WHERE pipeline_id = $1 ORDER BY partition`,
      [pipelineId],
    );
    // The last message (id 1200) went to partition 0; partition 1's last is id 1199.
    expect(offsets[0]).toEqual({ partition: 0, seq: info.state.last_seq });
    expect(offsets[1]).toEqual({ partition: 1, seq: info.state.last_seq - 1 });
  });

  it('skips messages at or below the committed sequence, and resumes after a graceful stop without loss or duplicates', async () => {
    await publish(1, 400);
    // Pretend the first 100 messages (seq 1..100) were committed already, by an earlier batch of partition 0 and 1.
    await t.db.dataSource.query(
      `INSERT INTO stream_offsets (pipeline_id, partition, seq) VALUES ($1, 0, 100), ($1, 1, 99)`,
      [pipelineId],
    );
    const worker = t.app.get(StreamWorkerService);
    worker.start();
    await eventually(
      async () => (await targetExists()) && (await targetStats()).rows >= 300,
    );
    await worker.stop();
    await publish(401, 900);
    worker.start();
    await publish(901, 1500);
    await eventually(async () => (await targetStats()).rows >= 1400);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stats = await targetStats();
    expect(stats).toEqual({ rows: 1400, ids: 1400 });
    const [{ min }] = await t.db.dataSource.query(
      `SELECT min(id)::int AS min FROM ${schema}.orders_live`,
    );
    expect(min).toBe(101);
  });

  it('reports per-partition lag as published minus committed, tenant-scoped, and in /metrics', async () => {
    const headers = { authorization: `Bearer ${await t.tokenFor(tenant)}` };
    const status = async (query = '') => {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/v1/stream-status${query}`,
        headers,
      });
      expect(response.statusCode).toBe(200);
      return response
        .json<StreamStatusResponse>()
        .pipelines.find((p) => p.id === pipelineId)!;
    };
    await publish(1, 100);
    // Partition 0's ids 2..20 count as committed already.
    await t.db.dataSource.query(
      `INSERT INTO stream_offsets (pipeline_id, partition, seq) VALUES ($1, 0, 20), ($1, 1, 0)`,
      [pipelineId],
    );
    const worker = t.app.get(StreamWorkerService);
    worker.start();
    await eventually(
      async () => (await targetExists()) && (await targetStats()).rows >= 90,
    );
    await worker.stop();
    await publish(101, 160);
    const behind = await status(`?pipelineId=${pipelineId}`);
    // Each partition got 30 more messages after the worker stopped.
    expect(behind.partitions).toEqual([
      expect.objectContaining({
        partition: 0,
        lastSeq: 160,
        committedSeq: 100,
        lag: 30,
        lagLevel: 'green',
      }),
      expect.objectContaining({
        partition: 1,
        lastSeq: 159,
        committedSeq: 99,
        lag: 30,
        lagLevel: 'green',
      }),
    ]);
    expect(behind.partitions[0].oldestAgeSeconds).toEqual(expect.any(Number));
    const metrics = await t.app.get(FlowMetrics).registry.metrics();
    expect(metrics).toContain(
      `flow_stream_partition_lag{pipeline="${pipelineId}",partition="1"} 30`,
    );
    worker.start();
    await eventually(async () => (await targetStats()).rows >= 150);
    await eventually(async () =>
      (await status()).partitions.every((p) => p.lag === 0),
    );
    expect(await targetStats()).toEqual({ rows: 150, ids: 150 });

    const other = await t.createTenant('other');
    const otherResponse = await t.app.inject({
      method: 'GET',
      url: `/api/v1/stream-status?pipelineId=${pipelineId}`,
      headers: { authorization: `Bearer ${await t.tokenFor(other)}` },
    });
    expect(otherResponse.statusCode).toBe(404);
    const otherList = await t.app.inject({
      method: 'GET',
      url: '/api/v1/stream-status',
      headers: { authorization: `Bearer ${await t.tokenFor(other)}` },
    });
    expect(otherList.json().pipelines).toEqual([]);
  });
});
