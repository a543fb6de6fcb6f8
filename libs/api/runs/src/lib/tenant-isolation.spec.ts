import { Module } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

import { queryRows } from '@flow/api/db';
import { PipelinesModule } from '@flow/api/pipelines';
import { createTestApp, type TestApp } from '@flow/api/tenancy/testing';
import type { TenantContext } from '@flow/api/tenancy';

import { RunsModule } from './runs.module';
import { RunsRepository } from './runs.repository';
import type { RunDetail } from './runs.service';
import { WorkerService } from './worker.service';

@Module({ imports: [RunsModule.register({ maxAttempts: 1 })] })
class TestRunsModule {}

const HOSTILE_TABLE_NAMES = [
  'pg_catalog.pg_authid',
  'public.tenants',
  'tenant_other.orders',
  '"tenant_other"."orders"',
  '"tenant_other.orders"',
  'orders"; DROP TABLE tenant_other.orders; --',
  'orders; DELETE FROM tenants',
  'Orders',
  '../orders',
  'tenant_other.\u202eorders',
];

describe('tenant isolation of runs', () => {
  let t: TestApp;
  let acme: TenantContext;
  let token: string;
  let worker: WorkerService;

  const sql = <T = Record<string, unknown>>(
    text: string,
    parameters: unknown[] = [],
  ) => queryRows<T>(t.db.dataSource, text, parameters);

  /** A pipelines row written behind the API's back, as a bug or an attacker with database access might. */
  async function craftedPipeline(
    source: string,
    target: string,
  ): Promise<string> {
    const ir = {
      version: 1,
      nodes: [
        { id: 's', type: 'source', table: source },
        {
          id: 'out',
          type: 'target',
          input: 's',
          table: target,
          mode: 'append',
        },
      ],
    };
    const [{ id }] = await sql<{ id: string }>(
      `INSERT INTO pipelines (tenant_id, name, ir) VALUES ($1, $2, $3) RETURNING id`,
      [acme.id, `crafted ${source} ${target}`, JSON.stringify(ir)],
    );
    return id;
  }

  async function run(pipelineId: string): Promise<RunDetail> {
    const queued = await t.app.inject({
      method: 'POST',
      url: `/api/v1/pipelines/${pipelineId}/runs`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(queued.statusCode).toBe(202);
    await worker.drain();
    const history = await t.app.inject({
      method: 'GET',
      url: `/api/v1/pipelines/${pipelineId}/runs`,
      headers: { authorization: `Bearer ${token}` },
    });
    return history.json<{ items: RunDetail[] }>().items[0];
  }

  async function snapshot(): Promise<unknown> {
    return {
      otherOrders: await sql(`SELECT * FROM tenant_other.orders ORDER BY id`),
      tenants: await sql(`SELECT id, slug FROM tenants ORDER BY slug`),
      schemas: await sql(
        `SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
      ),
    };
  }

  beforeAll(async () => {
    t = await createTestApp([PipelinesModule, TestRunsModule], {
      WORKER_ENABLED: 'false',
    });
    acme = await t.createTenant('acme');
    await t.createTenant('other');
    token = await t.tokenFor(acme);
    worker = t.app.get(WorkerService);
    await sql(`CREATE TABLE tenant_acme.orders (id integer, amount numeric)`);
    await sql(`INSERT INTO tenant_acme.orders VALUES (1, 10), (2, 20)`);
    await sql(
      `CREATE TABLE tenant_other.orders (id integer, amount numeric, secret text)`,
    );
    await sql(`INSERT INTO tenant_other.orders VALUES (7, 70, 'theirs')`);
  });

  afterAll(async () => {
    await t.close();
  });

  describe('at write time', () => {
    it.each(
      HOSTILE_TABLE_NAMES.flatMap((name) => [
        ['source', name] as const,
        ['target', name] as const,
      ]),
    )('refuses a %s table named %j with 400', async (role, name) => {
      const nodes =
        role === 'source'
          ? [
              { id: 's', type: 'source', table: name },
              {
                id: 'out',
                type: 'target',
                input: 's',
                table: 'copy',
                mode: 'append',
              },
            ]
          : [
              { id: 's', type: 'source', table: 'orders' },
              {
                id: 'out',
                type: 'target',
                input: 's',
                table: name,
                mode: 'append',
              },
            ];
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/pipelines',
        headers: { authorization: `Bearer ${token}` },
        payload: { name: `hostile ${role} ${name}`, ir: { version: 1, nodes } },
      });
      expect(response.statusCode).toBe(400);
      expect(
        response
          .json<{ details: { path: string }[] }>()
          .details.map((detail) => detail.path),
      ).toContain(`ir.nodes[${role === 'source' ? 0 : 1}].table`);
    });
  });

  describe('at run time, for IR rows that bypassed validation', () => {
    it.each(
      HOSTILE_TABLE_NAMES.flatMap((name) => [
        ['source', name] as const,
        ['target', name] as const,
      ]),
    )(
      'fails a run whose %s table is %j without touching any other schema',
      async (role, name) => {
        const before = await snapshot();
        const id =
          role === 'source'
            ? await craftedPipeline(name, 'copy_out')
            : await craftedPipeline('orders', name);
        const result = await run(id);
        expect(result).toMatchObject({
          status: 'failed',
          attempt: 1,
          rowsWritten: 0,
        });
        expect(result.error).toMatch(
          /^invalid pipeline IR: ir\.nodes\[\d\]\.table: /,
        );
        expect(await snapshot()).toEqual(before);
      },
    );

    it.each(['pg_authid', 'pg_class', 'tenants', 'pipelines', 'dead_letters'])(
      'resolves a plain source name like %j in the tenant schema only: unknown table, run failed',
      async (name) => {
        const result = await run(await craftedPipeline(name, 'copy_out'));
        expect(result).toMatchObject({ status: 'failed', attempt: 1 });
        expect(result.error).toContain(
          `unknown table "${name}" in schema "tenant_acme"`,
        );
      },
    );

    it('writes a target named like a control-plane table into the tenant schema, never into public', async () => {
      const tenantsBefore = await sql(
        `SELECT id, slug, name FROM public.tenants ORDER BY slug`,
      );
      const result = await run(await craftedPipeline('orders', 'tenants'));
      expect(result).toMatchObject({ status: 'succeeded', rowsWritten: 2 });
      expect(
        await sql(`SELECT id, slug, name FROM public.tenants ORDER BY slug`),
      ).toEqual(tenantsBefore);
      expect(
        await sql(
          `SELECT id, amount::int AS amount FROM tenant_acme.tenants ORDER BY id`,
        ),
      ).toEqual([
        { id: 1, amount: 10 },
        { id: 2, amount: 20 },
      ]);
    });
  });

  describe('the run transaction', () => {
    it('narrows search_path to the tenant schema and sets a statement timeout', async () => {
      await t.db.dataSource.transaction(async (manager: EntityManager) => {
        await t.app
          .get(RunsRepository)
          .scopeTransaction(manager, acme.schema, 1234);
        expect(
          await queryRows(
            manager,
            `SELECT current_setting('search_path') AS path, current_setting('statement_timeout') AS timeout`,
          ),
        ).toEqual([{ path: '"tenant_acme"', timeout: '1234ms' }]);
        // Unqualified control-plane names do not resolve any more.
        await expect(
          queryRows(manager, `SELECT count(*) FROM pipeline_runs`),
        ).rejects.toThrow('relation "pipeline_runs" does not exist');
      });
      // SET LOCAL: the pooled connection is back to normal afterwards.
      await expect(
        sql(`SELECT count(*) FROM pipeline_runs`),
      ).resolves.toHaveLength(1);
    });
  });
});
