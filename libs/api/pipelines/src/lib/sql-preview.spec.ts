import { queryRows } from '@flow/api/db';
import { createTestApp, type TestApp } from '@flow/api/tenancy/testing';
import type { TenantContext } from '@flow/api/tenancy';
import type { PipelineIr, SqlPreviewResponse } from '@flow/contracts';

import { CatalogService } from './catalog.service';
import { PipelinesModule } from './pipelines.module';
import { SqlPreviewController } from './sql-preview.controller';

const IR: PipelineIr = {
  version: 1,
  nodes: [
    {
      id: 'orders',
      type: 'source',
      table: 'orders',
      columns: ['id', 'amount', 'status'],
    },
    {
      id: 'paid',
      type: 'filter',
      input: 'orders',
      where: [{ column: 'status', op: '=', value: 'paid' }],
    },
    {
      id: 'out',
      type: 'target',
      input: 'paid',
      table: 'paid_orders',
      mode: 'append',
    },
  ],
};

describe(SqlPreviewController.name, () => {
  let t: TestApp;
  let acme: TenantContext;
  let other: TenantContext;
  let acmeToken: string;
  let otherToken: string;
  let pipelineId: string;

  const preview = (id: string, token: string) =>
    t.app.inject({
      method: 'GET',
      url: `/api/v1/pipelines/${id}/sql-preview`,
      headers: { authorization: `Bearer ${token}` },
    });

  async function createPipeline(
    name: string,
    ir: PipelineIr,
    token: string,
  ): Promise<string> {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/pipelines',
      headers: { authorization: `Bearer ${token}` },
      payload: { name, ir },
    });
    expect(response.statusCode).toBe(201);
    return response.json<{ id: string }>().id;
  }

  beforeAll(async () => {
    t = await createTestApp([PipelinesModule], { WORKER_ENABLED: 'false' });
    acme = await t.createTenant('acme');
    other = await t.createTenant('other');
    acmeToken = await t.tokenFor(acme);
    otherToken = await t.tokenFor(other);
    await queryRows(
      t.db.dataSource,
      `CREATE TABLE tenant_acme.orders (id integer, amount numeric(10,2), status text)`,
    );
    pipelineId = await createPipeline('paid orders', IR, acmeToken);
  });

  afterAll(async () => {
    await t.close();
  });

  describe('GET /pipelines/:id/sql-preview', () => {
    it('returns the SQL qualified to the tenant schema, bound parameters, inferred columns and warnings', async () => {
      const response = await preview(pipelineId, acmeToken);
      expect(response.statusCode).toBe(200);
      const body = response.json<SqlPreviewResponse>();
      expect(body.sql).toContain('FROM "tenant_acme"."orders"');
      expect(body.sql).toContain(
        'CREATE TABLE IF NOT EXISTS "tenant_acme"."paid_orders"',
      );
      expect(body.sql).toContain('"status" = $1');
      expect(body.sql).not.toContain("'paid'");
      expect(body.parameters[0]).toBe('paid');
      expect(body.columns).toEqual([
        { node: 'orders', name: 'id', type: 'integer' },
        { node: 'orders', name: 'amount', type: 'numeric' },
        { node: 'orders', name: 'status', type: 'text' },
        { node: 'paid', name: 'id', type: 'integer' },
        { node: 'paid', name: 'amount', type: 'numeric' },
        { node: 'paid', name: 'status', type: 'text' },
        { node: 'out', name: 'id', type: 'integer' },
        { node: 'out', name: 'amount', type: 'numeric' },
        { node: 'out', name: 'status', type: 'text' },
      ]);
      expect(body.warnings).toEqual([
        'ir.nodes[2].table: table "paid_orders" does not exist yet; the run creates it',
      ]);
    });

    it('reports unknown tables and columns as warnings instead of failing', async () => {
      // Writes refuse unknown columns of existing tables, so this IR is what a pipeline holds after its table
      // changed underneath it (a column dropped): store it directly, as the table change would leave it.
      const id = await createPipeline(
        'broken',
        {
          version: 1,
          nodes: [
            { id: 'orders', type: 'source', table: 'orders', columns: ['id'] },
            {
              id: 'out',
              type: 'target',
              input: 'orders',
              table: 'x_out',
              mode: 'append',
            },
          ],
        },
        acmeToken,
      );
      const stale: PipelineIr = {
        version: 1,
        nodes: [
          {
            id: 'orders',
            type: 'source',
            table: 'orders',
            columns: ['id', 'missing_column'],
          },
          { id: 'ghost', type: 'source', table: 'no_such_table' },
          {
            id: 'out',
            type: 'target',
            input: 'orders',
            table: 'x_out',
            mode: 'append',
          },
        ],
      };
      await t.db.dataSource.query(
        'UPDATE pipelines SET ir = $1 WHERE id = $2',
        [JSON.stringify(stale), id],
      );
      const response = await preview(id, acmeToken);
      expect(response.statusCode).toBe(200);
      const { warnings } = response.json<SqlPreviewResponse>();
      expect(warnings).toEqual(
        expect.arrayContaining([
          'ir.nodes[0].columns[1]: unknown column "missing_column" in table "orders"',
          'ir.nodes[1].table: unknown table "no_such_table" in schema "tenant_acme"',
        ]),
      );
    });

    it('sees a new table once the catalog is invalidated', async () => {
      await queryRows(
        t.db.dataSource,
        `CREATE TABLE tenant_acme.paid_orders (id integer, amount numeric(10,2), status text)`,
      );
      t.app.get(CatalogService).invalidate('tenant_acme');
      const body = (
        await preview(pipelineId, acmeToken)
      ).json<SqlPreviewResponse>();
      expect(body.warnings).toEqual([]);
      expect(body.sql).not.toContain('CREATE TABLE');
    });

    it.each([
      ["another tenant's pipeline", () => preview(pipelineId, otherToken)],
      [
        'a missing id',
        () => preview('00000000-0000-4000-8000-000000000000', acmeToken),
      ],
      ['a malformed id', () => preview('not-a-uuid', acmeToken)],
    ])('answers 404 for %s', async (_case, request) => {
      const response = await request();
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: 'Pipeline not found',
      });
    });

    it('answers 400, not 500, for a stored IR that bypassed validation', async () => {
      const [{ id }] = await queryRows<{ id: string }>(
        t.db.dataSource,
        `INSERT INTO pipelines (tenant_id, name, ir) VALUES ($1, 'crafted', $2) RETURNING id`,
        [
          acme.id,
          JSON.stringify({
            version: 1,
            nodes: [{ id: 'x', type: 'source', table: 'pg_catalog.pg_authid' }],
          }),
        ],
      );
      const response = await preview(id, acmeToken);
      expect(response.statusCode).toBe(400);
      expect(
        response.json<{ details: { path: string }[] }>().details[0].path,
      ).toBe('ir.nodes[0].table');
    });

    it('needs a tenant token', async () => {
      expect(
        (
          await t.app.inject({
            method: 'GET',
            url: `/api/v1/pipelines/${pipelineId}/sql-preview`,
          })
        ).statusCode,
      ).toBe(401);
    });
  });
});
