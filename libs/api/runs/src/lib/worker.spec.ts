import { Module } from '@nestjs/common';

import { queryRows } from '@flow/api/db';
import { PipelinesModule } from '@flow/api/pipelines';
import { createTestApp, type TestApp } from '@flow/api/tenancy/testing';
import type { TenantContext } from '@flow/api/tenancy';
import type { IrNode, PipelineIr } from '@flow/contracts';

import { RunExecutor } from './run-executor';
import { RunsModule } from './runs.module';
import { RunsRepository } from './runs.repository';
import type { RunDetail } from './runs.service';
import { WorkerService } from './worker.service';

const BACKOFF_BASE_MS = 60_000;

@Module({
  imports: [
    RunsModule.register({
      concurrency: 2,
      backoffBaseMs: BACKOFF_BASE_MS,
      backoffMaxMs: 10 * 60_000,
      maxAttempts: 3,
    }),
  ],
})
class TestRunsModule {}

describe(WorkerService.name, () => {
  let t: TestApp;
  let tenant: TenantContext;
  let token: string;
  let worker: WorkerService;

  const sql = <T = Record<string, unknown>>(
    text: string,
    parameters: unknown[] = [],
  ) => queryRows<T>(t.db.dataSource, text, parameters);
  const ir = (...nodes: IrNode[]): PipelineIr => ({ version: 1, nodes });
  let pipelineCount = 0;

  async function createPipeline(pipelineIr: PipelineIr): Promise<string> {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/pipelines',
      headers: { authorization: `Bearer ${token}` },
      payload: { name: `pipeline-${++pipelineCount}`, ir: pipelineIr },
    });
    expect(response.statusCode).toBe(201);
    return response.json<{ id: string }>().id;
  }

  async function queueRun(pipelineId: string): Promise<RunDetail> {
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/v1/pipelines/${pipelineId}/runs`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(202);
    return response.json<RunDetail>();
  }

  async function runs(pipelineId: string): Promise<RunDetail[]> {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/pipelines/${pipelineId}/runs`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(200);
    return response.json<{ items: RunDetail[] }>().items;
  }

  /** Queues a run, executes everything available, returns the run as the history shows it. */
  async function runPipeline(pipelineId: string): Promise<RunDetail> {
    const queued = await queueRun(pipelineId);
    await worker.drain();
    const run = (await runs(pipelineId)).find(
      (candidate) => candidate.id === queued.id,
    );
    if (!run) throw new Error('run vanished');
    return run;
  }

  const table = (name: string, orderBy = 'id') =>
    sql(`SELECT * FROM tenant_acme.${name} ORDER BY ${orderBy}`);

  beforeAll(async () => {
    t = await createTestApp([PipelinesModule, TestRunsModule], {
      WORKER_ENABLED: 'false',
    });
    tenant = await t.createTenant('acme');
    token = await t.tokenFor(tenant);
    worker = t.app.get(WorkerService);
    await sql(
      `CREATE TABLE tenant_acme.customers (id integer PRIMARY KEY, name text NOT NULL, country text)`,
    );
    await sql(
      `CREATE TABLE tenant_acme.orders (id integer PRIMARY KEY, customer_id integer, amount numeric(10,2), status text, code text)`,
    );
    await sql(
      `INSERT INTO tenant_acme.customers VALUES (1, 'Ada', 'DE'), (2, 'Bob', 'FR'), (3, 'Cy', NULL)`,
    );
    await sql(`INSERT INTO tenant_acme.orders VALUES
      (1, 1, 10.00, 'paid', '7'), (2, 1, 20.50, 'paid', '8'), (3, 2, 5.25, 'pending', '9'),
      (4, 2, NULL, 'paid', 'x'), (5, 9, 100.00, 'paid', '11'), (6, 3, -1.00, 'refunded', '12')`);
  });

  afterAll(async () => {
    await t.close();
  });

  describe('node types end to end', () => {
    it('source → target (append) creates the missing table, writes every row and records metrics and last run', async () => {
      const id = await createPipeline(
        ir(
          { id: 'src', type: 'source', table: 'customers' },
          {
            id: 'out',
            type: 'target',
            input: 'src',
            table: 'customers_copy',
            mode: 'append',
          },
        ),
      );
      const run = await runPipeline(id);
      expect(run).toMatchObject({
        status: 'succeeded',
        attempt: 1,
        trigger: 'manual',
        scheduledFor: null,
        rowsRead: 3,
        rowsWritten: 3,
        rowsRejected: 0,
        error: null,
      });
      // One statement computed both nodes: they share its duration.
      expect(run.nodeMetrics).toEqual({
        src: { rows: 3, rowsIn: 3, durationMs: expect.any(Number) },
        out: { rows: 3, rowsIn: 3, durationMs: expect.any(Number) },
      });
      expect(run.nodeMetrics?.['src'].durationMs).toBe(
        run.nodeMetrics?.['out'].durationMs,
      );
      expect(await table('customers_copy')).toEqual([
        { id: 1, name: 'Ada', country: 'DE' },
        { id: 2, name: 'Bob', country: 'FR' },
        { id: 3, name: 'Cy', country: null },
      ]);
      const [pipeline] = await sql<{
        last_run_status: string;
        last_run_at: Date;
      }>(
        `SELECT last_run_status, last_run_at FROM pipeline_state WHERE pipeline_id = $1`,
        [id],
      );
      expect(pipeline.last_run_status).toBe('succeeded');
      expect(pipeline.last_run_at.toISOString()).toBe(run.startedAt);
      // append: a second run adds the rows again
      await runPipeline(id);
      expect(
        await sql(`SELECT count(*)::int AS n FROM tenant_acme.customers_copy`),
      ).toEqual([{ n: 6 }]);
    });

    it('filter + select (rename, cast, function) → replace: a re-run leaves exactly the same rows', async () => {
      const id = await createPipeline(
        ir(
          {
            id: 'orders',
            type: 'source',
            table: 'orders',
            columns: ['id', 'amount', 'status', 'code'],
          },
          {
            id: 'paid',
            type: 'filter',
            input: 'orders',
            where: [
              { column: 'status', op: '=', value: 'paid' },
              { column: 'amount', op: '>=', value: 10 },
            ],
          },
          {
            id: 'shaped',
            type: 'select',
            input: 'paid',
            columns: [
              { column: 'id', as: 'order_id' },
              { column: 'status', fn: 'upper', as: 'state' },
              { column: 'amount', cast: 'integer', as: 'whole' },
            ],
          },
          {
            id: 'out',
            type: 'target',
            input: 'shaped',
            table: 'paid_orders',
            mode: 'replace',
          },
        ),
      );
      const expected = [
        { order_id: 1, state: 'PAID', whole: 10 },
        { order_id: 2, state: 'PAID', whole: 21 },
        { order_id: 5, state: 'PAID', whole: 100 },
      ];
      expect(await runPipeline(id)).toMatchObject({
        status: 'succeeded',
        rowsRead: 6,
        rowsWritten: 3,
      });
      expect(await table('paid_orders', 'order_id')).toEqual(expected);
      expect(await runPipeline(id)).toMatchObject({
        status: 'succeeded',
        rowsWritten: 3,
      });
      expect(await table('paid_orders', 'order_id')).toEqual(expected);
    });

    it('aggregate: group by with count, sum, min, max, avg, count_distinct', async () => {
      const id = await createPipeline(
        ir(
          { id: 'orders', type: 'source', table: 'orders' },
          {
            id: 'by_status',
            type: 'aggregate',
            input: 'orders',
            groupBy: ['status'],
            aggregations: [
              { fn: 'count', as: 'orders' },
              { fn: 'sum', column: 'amount', as: 'total' },
              { fn: 'min', column: 'amount', as: 'smallest' },
              { fn: 'max', column: 'amount', as: 'largest' },
              { fn: 'avg', column: 'amount', as: 'mean' },
              { fn: 'count_distinct', column: 'customer_id', as: 'customers' },
            ],
          },
          {
            id: 'out',
            type: 'target',
            input: 'by_status',
            table: 'order_stats',
            mode: 'replace',
          },
        ),
      );
      expect(await runPipeline(id)).toMatchObject({
        status: 'succeeded',
        rowsRead: 6,
        rowsWritten: 3,
      });
      const rows = await sql(
        `SELECT status, orders, total::text, smallest::text, largest::text, round(mean, 2)::text AS mean, customers FROM tenant_acme.order_stats ORDER BY status`,
      );
      expect(rows).toEqual([
        {
          status: 'paid',
          orders: 4,
          total: '130.50',
          smallest: '10.00',
          largest: '100.00',
          mean: '43.50',
          customers: 3,
        },
        {
          status: 'pending',
          orders: 1,
          total: '5.25',
          smallest: '5.25',
          largest: '5.25',
          mean: '5.25',
          customers: 1,
        },
        {
          status: 'refunded',
          orders: 1,
          total: '-1.00',
          smallest: '-1.00',
          largest: '-1.00',
          mean: '-1.00',
          customers: 1,
        },
      ]);
    });

    it.each([
      ['inner', [1, 2, 3, 4, 6]],
      ['left', [1, 2, 3, 4, 5, 6]],
    ] as const)(
      'join (%s) on equality keys with a right prefix',
      async (kind, expectedIds) => {
        const id = await createPipeline(
          ir(
            {
              id: 'orders',
              type: 'source',
              table: 'orders',
              columns: ['id', 'customer_id'],
            },
            {
              id: 'customers',
              type: 'source',
              table: 'customers',
              columns: ['id', 'name'],
            },
            {
              id: 'joined',
              type: 'join',
              left: 'orders',
              right: 'customers',
              kind,
              on: [{ left: 'customer_id', right: 'id' }],
              rightPrefix: 'customer_',
            },
            {
              id: 'out',
              type: 'target',
              input: 'joined',
              table: `orders_${kind}`,
              mode: 'replace',
            },
          ),
        );
        expect(await runPipeline(id)).toMatchObject({
          status: 'succeeded',
          rowsRead: 9,
          rowsWritten: expectedIds.length,
        });
        const rows = await table(`orders_${kind}`);
        expect(rows.map((row) => row['id'])).toEqual(expectedIds);
        // The right key equals the left key by the join condition; only the prefixed non-key column is added.
        expect(rows[0]).toEqual({
          id: 1,
          customer_id: 1,
          customer_id_1: undefined,
          customer_name: 'Ada',
        });
        if (kind === 'left')
          expect(rows.find((row) => row['id'] === 5)).toEqual({
            id: 5,
            customer_id: 9,
            customer_name: null,
          });
      },
    );

    it('validate onFail dlq: passing rows are written, rejects go to dead_letters with their reasons', async () => {
      const id = await createPipeline(
        ir(
          {
            id: 'orders',
            type: 'source',
            table: 'orders',
            columns: ['id', 'amount', 'status'],
          },
          {
            id: 'checked',
            type: 'validate',
            input: 'orders',
            rules: [
              { column: 'amount', check: 'not_null' },
              { column: 'amount', check: 'range', min: 0 },
              {
                column: 'status',
                check: 'accepted_values',
                values: ['paid', 'pending'],
              },
            ],
            onFail: 'dlq',
          },
          {
            id: 'out',
            type: 'target',
            input: 'checked',
            table: 'valid_orders',
            mode: 'replace',
          },
        ),
      );
      const run = await runPipeline(id);
      expect(run).toMatchObject({
        status: 'succeeded',
        rowsRead: 6,
        rowsWritten: 4,
        rowsRejected: 2,
      });
      expect(run.nodeMetrics?.['checked']).toEqual({
        rows: 4,
        rejected: 2,
        rowsIn: 6,
        durationMs: expect.any(Number),
      });
      expect((await table('valid_orders')).map((row) => row['id'])).toEqual([
        1, 2, 3, 5,
      ]);
      const letters = await sql(
        `SELECT tenant_id, pipeline_id, node_id, row, reason FROM dead_letters WHERE run_id = $1 ORDER BY row->>'id'`,
        [run.id],
      );
      expect(letters).toEqual([
        {
          tenant_id: tenant.id,
          pipeline_id: id,
          node_id: 'checked',
          row: { id: 4, amount: null, status: 'paid' },
          reason: 'not_null(amount)',
        },
        {
          tenant_id: tenant.id,
          pipeline_id: id,
          node_id: 'checked',
          row: { id: 6, amount: -1, status: 'refunded' },
          reason: 'range(amount); accepted_values(status)',
        },
      ]);
    });

    it('validate onFail fail: the run fails at once, the target and dead_letters stay untouched', async () => {
      await sql(
        `CREATE TABLE tenant_acme.strict_orders (id integer, amount numeric(10,2))`,
      );
      await sql(`INSERT INTO tenant_acme.strict_orders VALUES (42, 1.00)`);
      const id = await createPipeline(
        ir(
          {
            id: 'orders',
            type: 'source',
            table: 'orders',
            columns: ['id', 'amount'],
          },
          {
            id: 'checked',
            type: 'validate',
            input: 'orders',
            rules: [{ column: 'amount', check: 'not_null' }],
            onFail: 'fail',
          },
          {
            id: 'out',
            type: 'target',
            input: 'checked',
            table: 'strict_orders',
            mode: 'replace',
          },
        ),
      );
      const run = await runPipeline(id);
      expect(run).toMatchObject({
        status: 'failed',
        attempt: 1,
        rowsWritten: 0,
        rowsRejected: 1,
      });
      expect(run.error).toBe(
        'validation failed (onFail: fail): node "checked" rejected 1 row(s); nothing was written',
      );
      expect(await table('strict_orders')).toEqual([
        { id: 42, amount: '1.00' },
      ]);
      expect(
        await sql(
          `SELECT count(*)::int AS n FROM dead_letters WHERE run_id = $1`,
          [run.id],
        ),
      ).toEqual([{ n: 0 }]);
      expect(
        await sql(
          `SELECT last_run_status FROM pipeline_state WHERE pipeline_id = $1`,
          [id],
        ),
      ).toEqual([{ last_run_status: 'failed' }]);
    });

    it('merge on key creates the table with the key, is idempotent, and updates changed rows', async () => {
      const id = await createPipeline(
        ir(
          { id: 'customers', type: 'source', table: 'customers' },
          {
            id: 'out',
            type: 'target',
            input: 'customers',
            table: 'customer_dim',
            mode: 'merge',
            key: ['id'],
          },
        ),
      );
      expect(await runPipeline(id)).toMatchObject({
        status: 'succeeded',
        rowsWritten: 3,
      });
      const first = await table('customer_dim');
      expect(await runPipeline(id)).toMatchObject({
        status: 'succeeded',
        rowsWritten: 0,
      });
      expect(await table('customer_dim')).toEqual(first);
      await sql(`UPDATE tenant_acme.customers SET country = 'IT' WHERE id = 3`);
      await sql(`INSERT INTO tenant_acme.customers VALUES (4, 'Dee', 'ES')`);
      expect(await runPipeline(id)).toMatchObject({
        status: 'succeeded',
        rowsWritten: 2,
      });
      expect(await table('customer_dim')).toEqual([
        ...first.slice(0, 2),
        { id: 3, name: 'Cy', country: 'IT' },
        { id: 4, name: 'Dee', country: 'ES' },
      ]);
      await sql(`DELETE FROM tenant_acme.customers WHERE id = 4`);
      await sql(`UPDATE tenant_acme.customers SET country = NULL WHERE id = 3`);
    });
  });

  describe('retries', () => {
    it('fails at once, without retrying, when the SQL does not fit the tables (merge key without a unique constraint)', async () => {
      await sql(
        `CREATE TABLE tenant_acme.customers_nokey (id integer, name text, country text)`,
      );
      const id = await createPipeline(
        ir(
          { id: 'customers', type: 'source', table: 'customers' },
          {
            id: 'out',
            type: 'target',
            input: 'customers',
            table: 'customers_nokey',
            mode: 'merge',
            key: ['id'],
          },
        ),
      );
      const run = await runPipeline(id);
      expect(run).toMatchObject({ status: 'failed', attempt: 1 });
      expect(run.error).toContain(
        'no unique or exclusion constraint matching the ON CONFLICT specification',
      );
      expect(await table('customers_nokey')).toEqual([]);
    });

    it('requeues a failing run with exponential backoff, then fails it with the error once attempts are exhausted', async () => {
      // A runtime error (the cast of 'x' to integer), not a compile error: retryable.
      const id = await createPipeline(
        ir(
          {
            id: 'orders',
            type: 'source',
            table: 'orders',
            columns: ['id', 'code'],
          },
          {
            id: 'codes',
            type: 'select',
            input: 'orders',
            columns: [{ column: 'id' }, { column: 'code', cast: 'integer' }],
          },
          {
            id: 'out',
            type: 'target',
            input: 'codes',
            table: 'order_codes',
            mode: 'append',
          },
        ),
      );
      const queued = await queueRun(id);
      const attempts: {
        status: string;
        attempt: number;
        backoffMs: number | null;
        error: string | null;
      }[] = [];
      for (let i = 0; i < 3; i++) {
        expect(await worker.runOnce()).toBe(1);
        const [row] = await sql<{
          status: string;
          attempt: number;
          backoff_ms: number | null;
          error: string | null;
        }>(
          `SELECT status, attempt, error,
                  CASE WHEN status = 'queued' THEN round(extract(epoch FROM available_at - now()) * 1000)::int END AS backoff_ms
             FROM pipeline_runs WHERE id = $1`,
          [queued.id],
        );
        attempts.push({
          status: row.status,
          attempt: row.attempt,
          backoffMs: row.backoff_ms,
          error: row.error,
        });
        // Backed off: not claimable now. Then let the backoff elapse.
        expect(await worker.runOnce()).toBe(0);
        await sql(
          `UPDATE pipeline_runs SET available_at = now() WHERE id = $1 AND status = 'queued'`,
          [queued.id],
        );
      }
      const error = 'invalid input syntax for type integer: "x"';
      expect(
        attempts.map(({ status, attempt, error }) => ({
          status,
          attempt,
          error,
        })),
      ).toEqual([
        { status: 'queued', attempt: 1, error },
        { status: 'queued', attempt: 2, error },
        { status: 'failed', attempt: 3, error },
      ]);
      expect(attempts[0].backoffMs).toBeGreaterThan(BACKOFF_BASE_MS - 5_000);
      expect(attempts[0].backoffMs).toBeLessThanOrEqual(BACKOFF_BASE_MS);
      expect(attempts[1].backoffMs).toBeGreaterThan(
        2 * BACKOFF_BASE_MS - 5_000,
      );
      expect(attempts[1].backoffMs).toBeLessThanOrEqual(2 * BACKOFF_BASE_MS);
      const [run] = await runs(id);
      expect(run).toMatchObject({
        status: 'failed',
        attempt: 3,
        error,
        rowsWritten: 0,
      });
      expect(run.finishedAt).not.toBeNull();
      expect(
        await sql(
          `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'tenant_acme' AND table_name = 'order_codes'`,
        ),
      ).toEqual([{ n: 0 }]);
      expect(
        await sql(
          `SELECT last_run_status FROM pipeline_state WHERE pipeline_id = $1`,
          [id],
        ),
      ).toEqual([{ last_run_status: 'failed' }]);
    });
  });

  describe('reaper', () => {
    it('requeues a run abandoned by a dead worker; the retry writes the target exactly once and the zombie cannot commit', async () => {
      const id = await createPipeline(
        ir(
          { id: 'src', type: 'source', table: 'customers' },
          {
            id: 'out',
            type: 'target',
            input: 'src',
            table: 'reaped_copy',
            mode: 'append',
          },
        ),
      );
      const queued = await queueRun(id);
      // A worker claims the run and dies: its heartbeat stops.
      const [abandoned] = await t.app
        .get(RunsRepository)
        .claim('dead-worker:1:x', 1);
      expect(abandoned.id).toBe(queued.id);
      expect(
        await sql(
          `SELECT last_run_status FROM pipeline_state WHERE pipeline_id = $1`,
          [id],
        ),
      ).toEqual([{ last_run_status: 'running' }]);
      expect(await worker.reapOnce()).toBe(0);
      await sql(
        `UPDATE pipeline_runs SET heartbeat_at = now() - interval '1 minute' WHERE id = $1`,
        [queued.id],
      );
      expect(await worker.reapOnce()).toBe(1);
      const [reaped] = await runs(id);
      expect(reaped).toMatchObject({ status: 'queued', attempt: 1 });
      expect(reaped.error).toMatch(
        /^heartbeat expired: worker dead-worker:1:x stopped responding during attempt 1$/,
      );
      expect(Date.parse(reaped.availableAt) - Date.now()).toBeGreaterThan(
        BACKOFF_BASE_MS - 5_000,
      );

      await sql(`UPDATE pipeline_runs SET available_at = now() WHERE id = $1`, [
        queued.id,
      ]);
      expect(await worker.drain()).toBe(1);
      expect((await runs(id))[0]).toMatchObject({
        status: 'succeeded',
        attempt: 2,
        rowsWritten: 3,
        error: null,
      });

      // The "dead" worker wakes up and executes its stale claim: its transaction must roll back.
      expect(await t.app.get(RunExecutor).execute(abandoned)).toBe('lost');
      expect(
        await sql(`SELECT count(*)::int AS n FROM tenant_acme.reaped_copy`),
      ).toEqual([{ n: 3 }]);
      expect((await runs(id))[0]).toMatchObject({
        status: 'succeeded',
        attempt: 2,
      });
    });

    it('fails a reaped run whose attempts are exhausted', async () => {
      const id = await createPipeline(
        ir(
          { id: 'src', type: 'source', table: 'customers' },
          {
            id: 'out',
            type: 'target',
            input: 'src',
            table: 'never_written',
            mode: 'append',
          },
        ),
      );
      const queued = await queueRun(id);
      await sql(`UPDATE pipeline_runs SET attempt = 2 WHERE id = $1`, [
        queued.id,
      ]);
      await t.app.get(RunsRepository).claim('dead-worker:2:y', 1);
      await sql(
        `UPDATE pipeline_runs SET heartbeat_at = now() - interval '1 minute' WHERE id = $1`,
        [queued.id],
      );
      expect(await worker.reapOnce()).toBe(1);
      expect((await runs(id))[0]).toMatchObject({
        status: 'failed',
        attempt: 3,
      });
      expect(
        await sql(
          `SELECT last_run_status FROM pipeline_state WHERE pipeline_id = $1`,
          [id],
        ),
      ).toEqual([{ last_run_status: 'failed' }]);
    });
  });

  describe('poll loop', () => {
    it('executes queued runs in the background and stops cleanly', async () => {
      const id = await createPipeline(
        ir(
          { id: 'src', type: 'source', table: 'customers' },
          {
            id: 'out',
            type: 'target',
            input: 'src',
            table: 'polled_copy',
            mode: 'replace',
          },
        ),
      );
      worker.start();
      try {
        const queued = await queueRun(id);
        const deadline = Date.now() + 15_000;
        let status = 'queued';
        while (status !== 'succeeded' && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          status =
            (await runs(id)).find((run) => run.id === queued.id)?.status ??
            'missing';
        }
        expect(status).toBe('succeeded');
      } finally {
        await worker.stop();
      }
      expect(
        await sql(`SELECT count(*)::int AS n FROM tenant_acme.polled_copy`),
      ).toEqual([{ n: 3 }]);
    });
  });
});
