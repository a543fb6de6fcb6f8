import { Module } from '@nestjs/common';
import { Client } from 'pg';

import { queryRows } from '@flow/api/db';
import { PipelinesModule } from '@flow/api/pipelines';
import { createTestApp, type TestApp } from '@flow/api/tenancy/testing';
import type { TenantContext } from '@flow/api/tenancy';
import type { PipelineIr } from '@flow/contracts';

import { RunsModule } from './runs.module';
import type { RunDetail } from './runs.service';
import { WorkerService } from './worker.service';

@Module({ imports: [RunsModule.register({ concurrency: 2 })] })
class TestRunsModule {}

interface LetterRow {
  id: string;
  kind: string;
  node_id: string;
  status: string;
  attempts: number;
  reason: string;
  row_key: unknown;
  run_id: string;
  replayed_by_run_id: string | null;
}

/**
 * Dead letters of every kind and selective replay, end to end on real PostgreSQL: 1,000 source rows of which 37
 * are bad — 20 fail a validate rule, 10 are too long for the target's varchar(8), 7 break its NOT NULL.
 */
describe('dead letters and replay', () => {
  let t: TestApp;
  let tenant: TenantContext;
  let token: string;
  let worker: WorkerService;
  let pipelineId: string;

  const sql = <T = Record<string, unknown>>(
    text: string,
    parameters: unknown[] = [],
  ) => queryRows<T>(t.db.dataSource, text, parameters);

  const post = (url: string, payload?: unknown) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  async function runToEnd(payload?: unknown): Promise<RunDetail> {
    const response = await post(
      `/api/v1/pipelines/${pipelineId}/runs`,
      payload,
    );
    expect(response.statusCode).toBe(202);
    const queued = response.json<RunDetail>();
    await worker.drain();
    return runById(queued.id);
  }

  async function runById(id: string): Promise<RunDetail> {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/pipelines/${pipelineId}/runs?limit=100`,
      headers: { authorization: `Bearer ${token}` },
    });
    const run = response
      .json<{ items: RunDetail[] }>()
      .items.find((candidate) => candidate.id === id);
    if (!run) throw new Error(`run ${id} not listed`);
    return run;
  }

  const letters = () =>
    sql<LetterRow>(
      `SELECT id, kind, node_id, status, attempts, reason, row_key, run_id, replayed_by_run_id
         FROM dead_letters WHERE pipeline_id = $1 ORDER BY (row->>'id')::int`,
      [pipelineId],
    );

  const targetIds = async () =>
    (
      await sql<{ id: number }>(
        `SELECT id FROM tenant_acme.orders_out ORDER BY id`,
      )
    ).map((row) => row.id);

  const ir: PipelineIr = {
    version: 1,
    nodes: [
      {
        id: 'orders',
        type: 'source',
        table: 'orders_in',
        columns: ['id', 'amount', 'code', 'customer'],
        key: ['id'],
      },
      {
        id: 'checked',
        type: 'validate',
        input: 'orders',
        rules: [{ column: 'amount', check: 'range', min: 0 }],
        onFail: 'dlq',
      },
      {
        id: 'out',
        type: 'target',
        input: 'checked',
        table: 'orders_out',
        mode: 'append',
      },
    ],
  };

  beforeAll(async () => {
    t = await createTestApp([PipelinesModule, TestRunsModule], {
      WORKER_ENABLED: 'false',
    });
    tenant = await t.createTenant('acme');
    token = await t.tokenFor(tenant);
    worker = t.app.get(WorkerService);
    // Bad rows: amount < 0 for ids 1..20 (validate), an 11-character code for 21..30 (varchar(8)), no customer
    // for 31..37 (NOT NULL). No unique index on the target: a row written twice would show.
    await sql(
      `CREATE TABLE tenant_acme.orders_in (id integer PRIMARY KEY, amount numeric, code text, customer text)`,
    );
    await sql(`INSERT INTO tenant_acme.orders_in
      SELECT g,
             CASE WHEN g <= 20 THEN -g ELSE g END,
             CASE WHEN g BETWEEN 21 AND 30 THEN 'much-too-long' ELSE 'c' || g END,
             CASE WHEN g BETWEEN 31 AND 37 THEN NULL ELSE 'cust' || g END
        FROM generate_series(1, 1000) AS g`);
    await sql(
      `CREATE TABLE tenant_acme.orders_out (id integer, amount numeric, code varchar(8), customer text NOT NULL)`,
    );
    const created = await post('/api/v1/pipelines', {
      name: 'orders',
      paused: true,
      ir,
    });
    expect(created.statusCode).toBe(201);
    pipelineId = created.json<{ id: string }>().id;
  });

  afterAll(async () => {
    await t.close();
  });

  it('writes the 963 good rows and dead-letters the 37 bad ones: validate and write kinds, with keys and the database reasons', async () => {
    const run = await runToEnd();
    expect(run).toMatchObject({
      status: 'succeeded',
      trigger: 'manual',
      rowsRead: 1000,
      rowsWritten: 963,
      rowsRejected: 37,
      error: null,
    });
    expect(run.nodeMetrics).toEqual({
      orders: { rows: 1000, rowsIn: 1000, durationMs: expect.any(Number) },
      checked: {
        rows: 980,
        rowsIn: 1000,
        rejected: 20,
        durationMs: expect.any(Number),
      },
      out: {
        rows: 963,
        rowsIn: 980,
        rejected: 17,
        durationMs: expect.any(Number),
      },
    });
    const ids = await targetIds();
    expect(ids).toHaveLength(963);
    expect(ids[0]).toBe(38);
    const all = await letters();
    expect(all).toHaveLength(37);
    expect(all.every((letter) => letter.status === 'open')).toBe(true);
    expect(all.every((letter) => letter.run_id === run.id)).toBe(true);
    expect(all.map((letter) => letter.row_key)).toEqual(
      Array.from({ length: 37 }, (_, i) => ({ orders: { id: i + 1 } })),
    );
    expect(
      all.slice(0, 20).map((letter) => [letter.kind, letter.node_id]),
    ).toEqual(Array(20).fill(['validate', 'checked']));
    expect(all[0].reason).toBe('range(amount)');
    expect(all[20]).toMatchObject({ kind: 'write', node_id: 'out' });
    expect(all[20].reason).toBe('value too long for type character varying(8)');
    expect(all[30]).toMatchObject({ kind: 'write', node_id: 'out' });
    expect(all[30].reason).toMatch(
      /^null value in column "customer" of relation "orders_out" violates not-null constraint/,
    );
  });

  it('replays exactly the 30 rows fixed in the source; the 7 others stay open with attempts 1', async () => {
    await sql(
      `UPDATE tenant_acme.orders_in SET amount = -amount WHERE id <= 20`,
    );
    await sql(
      `UPDATE tenant_acme.orders_in SET code = 'fixed' WHERE id BETWEEN 21 AND 30`,
    );
    const before = await targetIds();
    const run = await runToEnd({ replayDlqOnly: true });
    expect(run).toMatchObject({
      status: 'succeeded',
      trigger: 'replay',
      rowsRead: 37,
      rowsWritten: 30,
      rowsRejected: 7,
    });
    const after = await targetIds();
    expect(after.length - before.length).toBe(30);
    expect(after.filter((id) => id <= 37)).toEqual(
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    const all = await letters();
    expect(all).toHaveLength(37);
    expect(
      all
        .slice(0, 30)
        .every(
          (letter) =>
            letter.status === 'replayed' &&
            letter.replayed_by_run_id === run.id &&
            letter.attempts === 0,
        ),
    ).toBe(true);
    expect(
      all
        .slice(30)
        .map((letter) => [letter.status, letter.attempts, letter.kind]),
    ).toEqual(Array(7).fill(['open', 1, 'write']));
  });

  it('answers 409 when nothing open is replayable and 400 for a bad body', async () => {
    const url = `/api/v1/pipelines/${pipelineId}/runs`;
    const [open] = await sql<{ id: string }>(
      `SELECT id FROM dead_letters WHERE pipeline_id = $1 AND status = 'replayed' LIMIT 1`,
      [pipelineId],
    );
    const conflict = await post(url, {
      replayDlqOnly: true,
      deadLetterIds: [open.id],
    });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({
      statusCode: 409,
      message: 'none of the given dead letters is open and replayable',
    });
    const bad = await post(url, {
      replayDlqOnly: 'yes',
      deadLetterIds: ['x'],
      extra: 1,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ details: unknown }>().details).toEqual([
      { path: 'extra', message: 'unknown field' },
      { path: 'replayDlqOnly', message: 'must be a boolean' },
      {
        path: 'deadLetterIds',
        message: 'is only allowed with "replayDlqOnly": true',
      },
    ]);
  });

  it('two replays racing write each fixed row once', async () => {
    await sql(
      `UPDATE tenant_acme.orders_in SET customer = 'late' WHERE id BETWEEN 31 AND 37`,
    );
    const url = `/api/v1/pipelines/${pipelineId}/runs`;
    const [first, second] = await Promise.all([
      post(url, { replayDlqOnly: true }),
      post(url, { replayDlqOnly: true }),
    ]);
    expect([first.statusCode, second.statusCode]).toEqual([202, 202]);
    // Make them overlap for sure: a side session locks the target, so the first replay waits at its insert
    // (letters taken) while the second runs up to wherever it must wait — then the lock goes.
    const side = new Client({ connectionString: t.db.url });
    await side.connect();
    await side.query('BEGIN');
    await side.query(`LOCK TABLE tenant_acme.orders_out IN EXCLUSIVE MODE`);
    const drained = worker.drain();
    for (let waited = 0; ; waited += 50) {
      const [{ waiting }] = await sql<{ waiting: number }>(
        `SELECT count(*)::int AS waiting FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (waiting >= 2) break;
      if (waited > 20_000) throw new Error('the replays never overlapped');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await side.query('ROLLBACK');
    await side.end();
    await drained;
    const runs = await Promise.all(
      [first, second].map((response) => runById(response.json<RunDetail>().id)),
    );
    expect(runs.map((run) => run.status)).toEqual(['succeeded', 'succeeded']);
    expect(
      runs.map((run) => run.rowsWritten).sort((a, b) => Number(a) - Number(b)),
    ).toEqual([0, 7]);
    const [{ rows, distinct }] = await sql<{ rows: number; distinct: number }>(
      `SELECT count(*)::int AS rows, count(DISTINCT id)::int AS distinct FROM tenant_acme.orders_out`,
    );
    expect({ rows, distinct }).toEqual({ rows: 1000, distinct: 1000 });
    const open = (await letters()).filter((letter) => letter.status === 'open');
    expect(open).toEqual([]);
  });

  it('refuses a replay with a 400 naming the source that has no key', async () => {
    const created = await post('/api/v1/pipelines', {
      name: 'keyless',
      paused: true,
      ir: {
        version: 1,
        nodes: [
          { id: 'src', type: 'source', table: 'orders_in' },
          {
            id: 'out',
            type: 'target',
            input: 'src',
            table: 'keyless_out',
            mode: 'append',
          },
        ],
      },
    });
    const response = await post(
      `/api/v1/pipelines/${created.json<{ id: string }>().id}/runs`,
      { replayDlqOnly: true },
    );
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      statusCode: 400,
      message:
        'ir.nodes[0].key: source "src" has no key: declare "key" (the columns that identify one of its rows) to replay its dead letters',
      details: [{ path: 'ir.nodes[0].key' }],
    });
  });
});
