import { queryRows } from '@flow/api/db';
import { PipelinesModule } from '@flow/api/pipelines';
import { createTestApp, type TestApp } from '@flow/api/tenancy/testing';
import type { TenantContext } from '@flow/api/tenancy';
import type { DeadLetterListResponse } from '@flow/contracts';

import { DeadLettersController } from './dead-letters.controller';
import { DeadLettersModule } from './dead-letters.module';

describe(DeadLettersController.name, () => {
  let t: TestApp;
  let acme: TenantContext;
  let acmeToken: string;
  let otherToken: string;
  let pipelineId: string;
  let runs: string[];

  const sql = <T = Record<string, unknown>>(
    text: string,
    params: unknown[] = [],
  ) => queryRows<T>(t.db.dataSource, text, params);
  const get = (url: string, token = acmeToken) =>
    t.app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${token}` },
    });
  const list = async (query = '') => {
    const response = await get(
      `/api/v1/pipelines/${pipelineId}/dead-letters${query}`,
    );
    expect(response.statusCode).toBe(200);
    return response.json<DeadLetterListResponse>();
  };

  beforeAll(async () => {
    t = await createTestApp([PipelinesModule, DeadLettersModule], {
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
        name: 'orders',
        paused: true,
        ir: {
          version: 1,
          nodes: [
            { id: 's', type: 'source', table: 'orders', key: ['id'] },
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
    runs = (
      await sql<{ id: string }>(
        `INSERT INTO pipeline_runs (tenant_id, pipeline_id, trigger)
         SELECT $1, $2, 'manual' FROM generate_series(1, 2) RETURNING id`,
        [acme.id, pipelineId],
      )
    ).map((row) => row.id);
    // 5 letters of the first run (the last two replayed by the second), 3 write letters of the second; all at one
    // instant, so the pages are told apart by id alone.
    await sql(
      `INSERT INTO dead_letters (tenant_id, pipeline_id, run_id, node_id, kind, row, row_key, reason, status, replayed_by_run_id, attempts)
       SELECT $1, $2, CASE WHEN g <= 5 THEN $3::uuid ELSE $4::uuid END,
              CASE WHEN g <= 5 THEN 'v' ELSE 'out' END,
              CASE WHEN g <= 5 THEN 'validate' ELSE 'write' END,
              jsonb_build_object('id', g), jsonb_build_object('s', jsonb_build_object('id', g)), 'reason ' || g,
              CASE WHEN g IN (4, 5) THEN 'replayed' ELSE 'open' END,
              CASE WHEN g IN (4, 5) THEN $4::uuid END,
              CASE WHEN g = 1 THEN 2 ELSE 0 END
         FROM generate_series(1, 8) AS g`,
      [acme.id, pipelineId, runs[0], runs[1]],
    );
  });

  afterAll(async () => {
    await t.close();
  });

  it('lists the letters newest first with every field, and counts them by status', async () => {
    const page = await list();
    expect(page.counts).toEqual({ open: 6, replayed: 2 });
    expect(page.nextCursor).toBeNull();
    expect(page.items).toHaveLength(8);
    const first = page.items.find((letter) => letter.row['id'] === 1);
    expect(first).toEqual({
      id: expect.any(String),
      runId: runs[0],
      nodeId: 'v',
      kind: 'validate',
      reason: 'reason 1',
      rowKey: { s: { id: 1 } },
      row: { id: 1 },
      file: null,
      line: null,
      status: 'open',
      replayedByRunId: null,
      attempts: 2,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
    });
  });

  it('filters by status and run (counts follow the run, not the status) and pages by cursor without repeats', async () => {
    const replayed = await list('?status=replayed');
    expect(replayed.items.map((letter) => letter.row['id']).sort()).toEqual([
      4, 5,
    ]);
    expect(replayed.items.every((l) => l.replayedByRunId === runs[1])).toBe(
      true,
    );
    const ofSecond = await list(`?runId=${runs[1]}`);
    expect(ofSecond.items.every((l) => l.kind === 'write')).toBe(true);
    expect(ofSecond.counts).toEqual({ open: 3, replayed: 0 });

    const seen: unknown[] = [];
    let cursor: string | null = '';
    do {
      const page: DeadLetterListResponse = await list(
        `?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((letter) => letter.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
  });

  it('answers 400 naming each bad parameter, 404 for another tenant or a non-id', async () => {
    const bad = await get(
      `/api/v1/pipelines/${pipelineId}/dead-letters?status=closed&runId=nope`,
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      details: [
        { path: 'status', message: 'must be one of open, replayed' },
        { path: 'runId', message: 'must be a uuid' },
      ],
    });
    const badCursor = await get(
      `/api/v1/pipelines/${pipelineId}/dead-letters?cursor=abc`,
    );
    expect(badCursor.json()).toMatchObject({
      statusCode: 400,
      details: [{ path: 'cursor' }],
    });
    expect(
      (await get(`/api/v1/pipelines/${pipelineId}/dead-letters`, otherToken))
        .statusCode,
    ).toBe(404);
    expect((await get(`/api/v1/pipelines/x/dead-letters`)).statusCode).toBe(
      404,
    );
  });
});
