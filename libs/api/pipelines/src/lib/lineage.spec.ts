import { queryRows } from '@flow/api/db';
import { createTestApp, type TestApp } from '@flow/api/tenancy/testing';
import type { TenantContext } from '@flow/api/tenancy';
import type { IrNode, LineageResponse, PipelineIr } from '@flow/contracts';

import { LineageController } from './lineage.controller';
import { LineageService } from './lineage.service';
import { PipelinesModule } from './pipelines.module';

describe(LineageController.name, () => {
  let t: TestApp;
  let acme: TenantContext;
  let other: TenantContext;
  let acmeToken: string;
  let otherToken: string;

  const sql = (text: string, parameters: unknown[] = []) =>
    queryRows(t.db.dataSource, text, parameters);
  const ir = (...nodes: IrNode[]): PipelineIr => ({ version: 1, nodes });
  const lineage = (token: string) =>
    t.app.inject({
      method: 'GET',
      url: '/api/v1/lineage',
      headers: { authorization: `Bearer ${token}` },
    });

  async function createPipeline(
    name: string,
    pipelineIr: PipelineIr,
    token: string,
  ): Promise<string> {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/pipelines',
      headers: { authorization: `Bearer ${token}` },
      payload: { name, ir: pipelineIr },
    });
    expect(response.statusCode).toBe(201);
    return response.json<{ id: string }>().id;
  }

  async function succeededRun(
    tenant: TenantContext,
    pipelineId: string,
    finishedAt: string,
  ): Promise<void> {
    await sql(
      `INSERT INTO pipeline_runs (tenant_id, pipeline_id, trigger, status, attempt, started_at, finished_at, queued_at)
       VALUES ($1, $2, 'manual', 'succeeded', 1, $3::timestamptz - interval '1 minute', $3, $3::timestamptz - interval '2 minutes')`,
      [tenant.id, pipelineId, finishedAt],
    );
  }

  beforeAll(async () => {
    t = await createTestApp([PipelinesModule], { WORKER_ENABLED: 'false' });
    acme = await t.createTenant('acme');
    other = await t.createTenant('other');
    acmeToken = await t.tokenFor(acme);
    otherToken = await t.tokenFor(other);
    await sql(
      `CREATE TABLE tenant_acme.orders (id integer, customer_id integer, amount numeric)`,
    );
    await sql(`CREATE TABLE tenant_acme.customers (id integer, country text)`);
    await sql(
      `CREATE TABLE tenant_acme.order_facts (id integer, country text, amount numeric)`,
    );
    await sql(
      `INSERT INTO tenant_acme.orders SELECT g, g % 10, g FROM generate_series(1, 250) g`,
    );
    await sql(
      `INSERT INTO tenant_acme.customers SELECT g, 'DE' FROM generate_series(0, 9) g`,
    );
    await sql(
      `INSERT INTO tenant_acme.order_facts SELECT g, 'DE', g FROM generate_series(1, 40) g`,
    );
    // Row counts come from the statistics system: make them current (the worker ANALYZEs the tables it writes).
    await sql(
      `ANALYZE tenant_acme.orders, tenant_acme.customers, tenant_acme.order_facts`,
    );
    await sql(`CREATE TABLE tenant_other.secret_source (id integer)`);
  });

  afterAll(async () => {
    await t.close();
  });

  it('builds the table graph across the tenant pipelines with existence, row estimates and last writes', async () => {
    const facts = await createPipeline(
      'facts',
      ir(
        { id: 'orders', type: 'source', table: 'orders' },
        { id: 'customers', type: 'source', table: 'customers' },
        {
          id: 'joined',
          type: 'join',
          left: 'orders',
          right: 'customers',
          kind: 'inner',
          on: [{ left: 'customer_id', right: 'id' }],
          rightPrefix: 'c_',
        },
        {
          id: 'facts',
          type: 'select',
          input: 'joined',
          columns: [
            { column: 'id' },
            { column: 'c_country', as: 'country' },
            { column: 'amount' },
          ],
        },
        {
          id: 'out',
          type: 'target',
          input: 'facts',
          table: 'order_facts',
          mode: 'replace',
        },
      ),
      acmeToken,
    );
    const summary = await createPipeline(
      'summary',
      ir(
        { id: 'facts', type: 'source', table: 'order_facts' },
        {
          id: 'by_country',
          type: 'aggregate',
          input: 'facts',
          groupBy: ['country'],
          aggregations: [{ fn: 'count', as: 'n' }],
        },
        {
          id: 'out',
          type: 'target',
          input: 'by_country',
          table: 'country_summary',
          mode: 'replace',
        },
      ),
      acmeToken,
    );
    await createPipeline(
      'theirs',
      ir(
        { id: 's', type: 'source', table: 'secret_source' },
        {
          id: 'out',
          type: 'target',
          input: 's',
          table: 'secret_target',
          mode: 'append',
        },
      ),
      otherToken,
    );
    await succeededRun(acme, facts, '2026-11-27T10:00:00Z');
    await succeededRun(acme, facts, '2026-11-27T11:00:00Z');
    await sql(
      `INSERT INTO pipeline_runs (tenant_id, pipeline_id, trigger, status, attempt, started_at, finished_at) VALUES ($1, $2, 'manual', 'failed', 1, now(), now())`,
      [acme.id, summary],
    );

    const response = await lineage(acmeToken);
    expect(response.statusCode).toBe(200);
    expect(response.json<LineageResponse>()).toEqual({
      nodes: [
        {
          table: 'country_summary',
          kind: 'table',
          role: 'target',
          exists: false,
          rowCount: null,
          lastWrittenAt: null,
        },
        {
          table: 'customers',
          kind: 'table',
          role: 'source',
          exists: true,
          rowCount: 10,
          lastWrittenAt: null,
        },
        {
          table: 'order_facts',
          kind: 'table',
          role: 'both',
          exists: true,
          rowCount: 40,
          lastWrittenAt: '2026-11-27T11:00:00.000Z',
        },
        {
          table: 'orders',
          kind: 'table',
          role: 'source',
          exists: true,
          rowCount: 250,
          lastWrittenAt: null,
        },
      ],
      edges: [
        { from: 'customers', to: 'order_facts', pipelineId: facts },
        { from: 'order_facts', to: 'country_summary', pipelineId: summary },
        { from: 'orders', to: 'order_facts', pipelineId: facts },
      ],
    });
  });

  it("shows another tenant only its own tables, never this tenant's", async () => {
    t.app.get(LineageService).invalidate(other.id);
    const body = (await lineage(otherToken)).json<LineageResponse>();
    expect(body.nodes.map((node) => node.table)).toEqual([
      'secret_source',
      'secret_target',
    ]);
    expect(body.edges).toEqual([
      {
        from: 'secret_source',
        to: 'secret_target',
        pipelineId: expect.any(String),
      },
    ]);
    expect(JSON.stringify(body)).not.toMatch(/orders|customers|order_facts/);
  });

  it('answers an empty graph for a tenant without pipelines', async () => {
    const empty = await t.createTenant('empty');
    const response = await lineage(await t.tokenFor(empty));
    expect(response.json()).toEqual({ nodes: [], edges: [] });
  });

  it('serves repeated requests from a short cache until invalidated', async () => {
    const service = t.app.get(LineageService);
    service.invalidate(acme.id);
    const first = await service.get(acme);
    await sql(
      `INSERT INTO pipeline_runs (tenant_id, pipeline_id, trigger, status, attempt, finished_at)
               SELECT $1, id, 'manual', 'succeeded', 1, '2027-01-01T00:00:00Z' FROM pipelines WHERE name = 'summary'`,
      [acme.id],
    );
    expect(await service.get(acme)).toBe(first);
    service.invalidate(acme.id);
    const fresh = await service.get(acme);
    expect(
      fresh.nodes.find((node) => node.table === 'country_summary')
        ?.lastWrittenAt,
    ).toBe('2027-01-01T00:00:00.000Z');
  });
});
