import { Module } from '@nestjs/common';

import { queryRows } from '@flow/api/db';
import { PipelinesModule } from '@flow/api/pipelines';
import { createTestApp, type TestApp } from '@flow/api/tenancy/testing';
import type { TenantContext } from '@flow/api/tenancy';
import type {
  NodeMetricsResponse,
  RunDetailResponse,
  TenantResponse,
} from '@flow/contracts';

import { NodeMetricsController } from './runs.controller';
import { RunsModule } from './runs.module';
import { WorkerService } from './worker.service';

@Module({ imports: [RunsModule.register()] })
class TestRunsModule {}

describe(NodeMetricsController.name, () => {
  let t: TestApp;
  let acme: TenantContext;
  let acmeToken: string;
  let otherToken: string;
  let pipelineId: string;

  const get = (url: string, token = acmeToken) =>
    t.app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${token}` },
    });

  /** Inserts a finished run with stored figures, `minutesAgo` queued. */
  const insertRun = async (
    minutesAgo: number,
    status: 'succeeded' | 'failed',
    nodeMetrics: object | null,
  ): Promise<string> => {
    const [row] = await queryRows<{ id: string }>(
      t.db.dataSource,
      `INSERT INTO pipeline_runs (tenant_id, pipeline_id, trigger, status, attempt, queued_at, started_at, finished_at,
                                  node_metrics, error)
       VALUES ($1, $2, 'manual', $3, 1, now() - make_interval(mins => $4), now() - make_interval(mins => $4),
               now() - make_interval(mins => $4) + interval '2 seconds', $5, CASE WHEN $3 = 'failed' THEN 'boom' END)
       RETURNING id`,
      [
        acme.id,
        pipelineId,
        status,
        minutesAgo,
        nodeMetrics && JSON.stringify(nodeMetrics),
      ],
    );
    return row.id;
  };

  beforeAll(async () => {
    t = await createTestApp([PipelinesModule, TestRunsModule], {
      WORKER_ENABLED: 'false',
    });
    acme = await t.createTenant('acme');
    const other = await t.createTenant('other');
    acmeToken = await t.tokenFor(acme);
    otherToken = await t.tokenFor(other);
    await queryRows(
      t.db.dataSource,
      `CREATE TABLE ${acme.schema}.orders (id int, amount numeric);
       INSERT INTO ${acme.schema}.orders SELECT g, CASE WHEN g % 4 = 0 THEN NULL ELSE g END FROM generate_series(1, 12) g`,
    );
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/pipelines',
      headers: { authorization: `Bearer ${acmeToken}` },
      payload: {
        name: 'checked-orders',
        paused: true,
        ir: {
          version: 1,
          nodes: [
            { id: 'orders', type: 'source', table: 'orders' },
            {
              id: 'checked',
              type: 'validate',
              input: 'orders',
              rules: [{ column: 'amount', check: 'not_null' }],
              onFail: 'dlq',
            },
            {
              id: 'out',
              type: 'target',
              input: 'checked',
              table: 'checked_orders',
              mode: 'append',
            },
          ],
        },
      },
    });
    pipelineId = created.json<{ id: string }>().id;
  });

  afterAll(async () => {
    await t.close();
  });

  describe('GET /pipelines/:id/runs/:runId', () => {
    it("returns a worker-executed run's figures per node: rows in, out, rejected and the statement's duration", async () => {
      const queued = await t.app.inject({
        method: 'POST',
        url: `/api/v1/pipelines/${pipelineId}/runs`,
        headers: { authorization: `Bearer ${acmeToken}` },
      });
      const runId = queued.json<{ id: string }>().id;
      await t.app.get(WorkerService).drain();

      const response = await get(
        `/api/v1/pipelines/${pipelineId}/runs/${runId}`,
      );
      expect(response.statusCode).toBe(200);
      const run = response.json<RunDetailResponse>();
      expect(run).toMatchObject({
        id: runId,
        pipelineId,
        status: 'succeeded',
        rowsRead: 12,
        rowsWritten: 9,
        rowsRejected: 3,
        irVersion: 1,
      });
      expect(run.nodeMetrics['orders']).toMatchObject({
        rowsIn: 12,
        rowsOut: 12,
        rowsRejected: null,
      });
      expect(run.nodeMetrics['checked']).toMatchObject({
        rowsIn: 12,
        rowsOut: 9,
        rowsRejected: 3,
      });
      expect(run.nodeMetrics['out']).toMatchObject({
        rowsIn: 9,
        rowsOut: 9,
        rowsRejected: null,
      });
      for (const node of ['orders', 'checked', 'out'])
        expect(run.nodeMetrics[node].durationMs).toBeGreaterThanOrEqual(0);
    });

    it('answers 404 for a run of another pipeline, a missing run, and across tenants', async () => {
      const runId = await insertRun(1, 'succeeded', null);
      const cases: [string, string, string][] = [
        [pipelineId, '00000000-0000-4000-8000-000000000000', 'Run not found'],
        [pipelineId, 'not-a-uuid', 'Run not found'],
        ['00000000-0000-4000-8000-000000000000', runId, 'Pipeline not found'],
      ];
      for (const [pipeline, run, message] of cases) {
        const response = await get(`/api/v1/pipelines/${pipeline}/runs/${run}`);
        expect(response.statusCode).toBe(404);
        expect(response.json<{ message: string }>().message).toBe(message);
      }
      const crossTenant = await get(
        `/api/v1/pipelines/${pipelineId}/runs/${runId}`,
        otherToken,
      );
      expect(crossTenant.statusCode).toBe(404);
      expect(crossTenant.json<{ message: string }>().message).toBe(
        'Pipeline not found',
      );
    });
  });

  describe('GET /pipelines/:id/node-metrics', () => {
    it('returns the last finished runs oldest → newest with the node’s figures, failed runs and runs without figures included', async () => {
      await queryRows(
        t.db.dataSource,
        `DELETE FROM pipeline_runs WHERE pipeline_id = $1`,
        [pipelineId],
      );
      const figures = (rows: number) => ({
        checked: { rows, rejected: 1, rowsIn: rows + 1, durationMs: 12.5 },
      });
      const oldest = await insertRun(40, 'succeeded', figures(10));
      const failed = await insertRun(30, 'failed', null);
      const newest = await insertRun(20, 'succeeded', figures(30));
      // Queued and running runs are not on the trend.
      await queryRows(
        t.db.dataSource,
        `INSERT INTO pipeline_runs (tenant_id, pipeline_id, trigger) VALUES ($1, $2, 'manual')`,
        [acme.id, pipelineId],
      );

      const response = await get(
        `/api/v1/pipelines/${pipelineId}/node-metrics?node=checked`,
      );
      expect(response.statusCode).toBe(200);
      const body = response.json<NodeMetricsResponse>();
      expect(body.node).toBe('checked');
      expect(body.items.map((item) => item.runId)).toEqual([
        oldest,
        failed,
        newest,
      ]);
      expect(body.items[0]).toMatchObject({
        status: 'succeeded',
        recorded: true,
        rowsIn: 11,
        rowsOut: 10,
        rowsRejected: 1,
        durationMs: 12.5,
      });
      expect(body.items[1]).toMatchObject({
        status: 'failed',
        recorded: false,
        rowsIn: null,
        rowsOut: null,
      });

      const two = await get(
        `/api/v1/pipelines/${pipelineId}/node-metrics?node=checked&limit=2`,
      );
      expect(
        two.json<NodeMetricsResponse>().items.map((item) => item.runId),
      ).toEqual([failed, newest]);
    });

    it.each([
      ['', 'node'],
      ['node=', 'node'],
      ['node=a&node=b', 'node'],
      [`node=${'x'.repeat(201)}`, 'node'],
      ['node=checked&limit=0', 'limit'],
      ['node=checked&limit=101', 'limit'],
    ])('rejects ?%s with 400 naming %s', async (query, path) => {
      const response = await get(
        `/api/v1/pipelines/${pipelineId}/node-metrics?${query}`,
      );
      expect(response.statusCode).toBe(400);
      expect(
        response.json<{ details: { path: string }[] }>().details[0].path,
      ).toBe(path);
    });

    it("answers 404 for another tenant's pipeline and a malformed id", async () => {
      for (const [id, token] of [
        [pipelineId, otherToken],
        ['nope', acmeToken],
      ]) {
        const response = await get(
          `/api/v1/pipelines/${id}/node-metrics?node=checked`,
          token,
        );
        expect(response.statusCode).toBe(404);
      }
    });
  });

  describe('GET /tenant', () => {
    it("answers the caller's own tenant and role", async () => {
      const response = await get('/api/v1/tenant');
      expect(response.statusCode).toBe(200);
      expect(response.json<TenantResponse>()).toEqual({
        id: acme.id,
        slug: 'acme',
        name: acme.name,
        timezone: acme.timezone,
        role: 'editor',
      });
      expect(
        (await get('/api/v1/tenant', otherToken)).json<TenantResponse>().slug,
      ).toBe('other');
    });
  });
});
