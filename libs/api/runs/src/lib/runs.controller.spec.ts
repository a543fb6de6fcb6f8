import { Module } from '@nestjs/common';

import { queryRows } from '@flow/api/db';
import { PipelinesModule } from '@flow/api/pipelines';
import { createTestApp, type TestApp } from '@flow/api/tenancy/testing';
import type { TenantContext } from '@flow/api/tenancy';

import { RunsController } from './runs.controller';
import { RunsModule } from './runs.module';
import type { RunDetail, RunDetailListResponse } from './runs.service';

@Module({ imports: [RunsModule.register()] })
class TestRunsModule {}

describe(RunsController.name, () => {
  let t: TestApp;
  let acme: TenantContext;
  let acmeToken: string;
  let otherToken: string;
  let pipelineId: string;

  const request = (method: 'GET' | 'POST', url: string, token: string) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
    });

  beforeAll(async () => {
    t = await createTestApp([PipelinesModule, TestRunsModule], {
      WORKER_ENABLED: 'false',
    });
    acme = await t.createTenant('acme');
    const other = await t.createTenant('other');
    acmeToken = await t.tokenFor(acme);
    otherToken = await t.tokenFor(other);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/pipelines',
      headers: { authorization: `Bearer ${acmeToken}` },
      payload: {
        name: 'copy',
        paused: true,
        ir: {
          version: 1,
          nodes: [
            { id: 's', type: 'source', table: 'orders' },
            {
              id: 'out',
              type: 'target',
              input: 's',
              table: 'copy',
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

  describe('POST /pipelines/:id/runs', () => {
    it('queues a manual run (also for a paused pipeline: pausing stops the schedule only) and answers 202', async () => {
      const response = await request(
        'POST',
        `/api/v1/pipelines/${pipelineId}/runs`,
        acmeToken,
      );
      expect(response.statusCode).toBe(202);
      expect(response.json<RunDetail>()).toMatchObject({
        pipelineId,
        trigger: 'manual',
        scheduledFor: null,
        status: 'queued',
        attempt: 0,
        startedAt: null,
        finishedAt: null,
        rowsRead: null,
        rowsWritten: null,
        rowsRejected: null,
        error: null,
        nodeMetrics: null,
      });
    });
  });

  describe('GET /pipelines/:id/runs', () => {
    it('pages newest first with a keyset cursor, ties on queued_at broken by id', async () => {
      await queryRows(
        t.db.dataSource,
        `DELETE FROM pipeline_runs WHERE pipeline_id = $1`,
        [pipelineId],
      );
      // Two pairs share a queued_at to the microsecond.
      const inserted = await queryRows<{ id: string }>(
        t.db.dataSource,
        `INSERT INTO pipeline_runs (tenant_id, pipeline_id, trigger, queued_at)
         SELECT $1, $2, 'manual', '2026-11-27T10:00:00.123456Z'::timestamptz + (g / 2) * interval '1 second'
           FROM generate_series(0, 4) g
         RETURNING id`,
        [acme.id, pipelineId],
      );
      const expected = await queryRows<{ id: string }>(
        t.db.dataSource,
        `SELECT id FROM pipeline_runs WHERE pipeline_id = $1 ORDER BY queued_at DESC, id DESC`,
        [pipelineId],
      );
      expect(expected).toHaveLength(inserted.length);
      const seen: string[] = [];
      let cursor: string | null = '';
      while (cursor !== null) {
        const response = await request(
          'GET',
          `/api/v1/pipelines/${pipelineId}/runs?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          acmeToken,
        );
        expect(response.statusCode).toBe(200);
        const page: RunDetailListResponse =
          response.json<RunDetailListResponse>();
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor;
      }
      expect(seen).toEqual(expected.map((row) => row.id));
    });

    it('answers an empty page for a pipeline without runs', async () => {
      await queryRows(
        t.db.dataSource,
        `DELETE FROM pipeline_runs WHERE pipeline_id = $1`,
        [pipelineId],
      );
      const response = await request(
        'GET',
        `/api/v1/pipelines/${pipelineId}/runs`,
        acmeToken,
      );
      expect(response.json()).toEqual({ items: [], nextCursor: null });
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['cursor=garbage', 'cursor'],
    ])('rejects %s with 400', async (query, path) => {
      const response = await request(
        'GET',
        `/api/v1/pipelines/${pipelineId}/runs?${query}`,
        acmeToken,
      );
      expect(response.statusCode).toBe(400);
      expect(
        response.json<{ details: { path: string }[] }>().details[0].path,
      ).toBe(path);
    });
  });

  describe('tenant scoping', () => {
    it.each([
      ["another tenant's pipeline", () => pipelineId, () => otherToken],
      [
        'a missing pipeline',
        () => '00000000-0000-4000-8000-000000000000',
        () => acmeToken,
      ],
      ['a malformed id', () => 'nope', () => acmeToken],
    ])(
      'answers 404 to POST and GET for %s, and queues nothing',
      async (_case, id, token) => {
        const before = await queryRows<{ n: number }>(
          t.db.dataSource,
          `SELECT count(*)::int AS n FROM pipeline_runs`,
        );
        for (const method of ['POST', 'GET'] as const) {
          const response = await request(
            method,
            `/api/v1/pipelines/${id()}/runs`,
            token(),
          );
          expect(response.statusCode).toBe(404);
          expect(response.json()).toEqual({
            statusCode: 404,
            error: 'Not Found',
            message: 'Pipeline not found',
          });
        }
        expect(
          await queryRows(
            t.db.dataSource,
            `SELECT count(*)::int AS n FROM pipeline_runs`,
          ),
        ).toEqual(before);
      },
    );
  });
});
