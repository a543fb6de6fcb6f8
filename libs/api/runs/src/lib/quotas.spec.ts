import { Module } from '@nestjs/common';

import { queryRows } from '@flow/api/db';
import { PipelinesModule } from '@flow/api/pipelines';
import { createTestApp, type TestApp } from '@flow/api/tenancy/testing';

import { RunsModule } from './runs.module';

@Module({ imports: [RunsModule.register()] })
class TestRunsModule {}

/** An IR of `nodes` nodes: a source, `nodes - 2` renaming selects in a chain, a target. */
function chainIr(nodes: number, table = 'copy') {
  const chain: Record<string, unknown>[] = [
    { id: 'n0', type: 'source', table: 'orders' },
  ];
  for (let i = 1; i < nodes - 1; i += 1)
    chain.push({
      id: `n${i}`,
      type: 'select',
      input: `n${i - 1}`,
      columns: [{ column: 'id' }],
    });
  chain.push({
    id: 'out',
    type: 'target',
    input: `n${nodes - 2}`,
    table,
    mode: 'append',
  });
  return { version: 1, nodes: chain };
}

// Issue #19: the quotas at their edge, on real PostgreSQL, including concurrent writes racing for the last slot.
describe('tenant quotas', () => {
  let t: TestApp;
  let token: string;
  let otherToken: string;

  const call = (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    url: string,
    payload?: unknown,
    as = token,
  ) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${as}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  beforeAll(async () => {
    t = await createTestApp([PipelinesModule, TestRunsModule], {
      WORKER_ENABLED: 'false',
      QUOTA_PIPELINES_PER_TENANT: '4',
      QUOTA_NODES_PER_IR: '3',
      QUOTA_QUEUED_RUNS_PER_PIPELINE: '3',
    });
    const acme = await t.createTenant('acme');
    const other = await t.createTenant('other');
    token = await t.tokenFor(acme);
    otherToken = await t.tokenFor(other);
  });

  afterAll(async () => {
    await t.close();
  });

  it('nodes per IR: the limit itself is accepted, one more is a 422 naming the quota and the count', async () => {
    const atLimit = await call('POST', '/api/v1/pipelines', {
      name: 'three-nodes',
      paused: true,
      ir: chainIr(3),
    });
    expect(atLimit.statusCode).toBe(201);
    const over = await call('POST', '/api/v1/pipelines', {
      name: 'four-nodes',
      paused: true,
      ir: chainIr(4),
    });
    expect(over.statusCode).toBe(422);
    expect(over.json()).toEqual({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: 'Quota nodesPerIr (QUOTA_NODES_PER_IR) is 3: the IR has 4 nodes',
      details: [
        { path: 'ir.nodes', message: 'quota nodesPerIr: limit 3, current 4' },
      ],
    });
    const id = atLimit.json<{ id: string }>().id;
    const put = await call('PUT', `/api/v1/pipelines/${id}/ir`, chainIr(4));
    expect(put.statusCode).toBe(422);
    expect(put.json().details).toEqual([
      { path: 'nodes', message: 'quota nodesPerIr: limit 3, current 4' },
    ]);
    const patch = await call('PATCH', `/api/v1/pipelines/${id}`, {
      ir: chainIr(4),
    });
    expect(patch.statusCode).toBe(422);
  });

  it('pipelines per tenant: concurrent creates fill the quota exactly, the rest are 409 naming it; another tenant is unaffected', async () => {
    // One pipeline exists (above): 3 slots left, 8 creates race for them.
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call('POST', '/api/v1/pipelines', {
          name: `race-${i}`,
          paused: true,
          ir: chainIr(2),
        }),
      ),
    );
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([201, 201, 201, 409, 409, 409, 409, 409]);
    const refused = responses.find((r) => r.statusCode === 409);
    expect(refused?.json()).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message:
        'Quota pipelinesPerTenant (QUOTA_PIPELINES_PER_TENANT) is 4: the tenant has 4 pipelines',
      details: [
        {
          path: 'pipelines',
          message: 'quota pipelinesPerTenant: limit 4, current 4',
        },
      ],
    });
    const [{ count }] = await queryRows<{ count: number }>(
      t.db.dataSource,
      `SELECT count(*)::int AS count FROM pipelines p JOIN tenants t ON t.id = p.tenant_id WHERE t.slug = 'acme'`,
    );
    expect(count).toBe(4);
    const other = await call(
      'POST',
      '/api/v1/pipelines',
      { name: 'mine', paused: true, ir: chainIr(2) },
      otherToken,
    );
    expect(other.statusCode).toBe(201);
  });

  it('queued runs per pipeline: concurrent triggers fill the quota exactly; a run leaving the queue frees a slot', async () => {
    const list = await call('GET', '/api/v1/pipelines?limit=100');
    const id = list
      .json<{ items: { id: string; name: string }[] }>()
      .items.find((item) => item.name === 'three-nodes')?.id;
    expect(id).toBeDefined();
    const responses = await Promise.all(
      Array.from({ length: 6 }, () =>
        call('POST', `/api/v1/pipelines/${id}/runs`),
      ),
    );
    expect(responses.map((r) => r.statusCode).sort()).toEqual([
      202, 202, 202, 409, 409, 409,
    ]);
    expect(responses.find((r) => r.statusCode === 409)?.json()).toMatchObject({
      statusCode: 409,
      message:
        'Quota queuedRunsPerPipeline (QUOTA_QUEUED_RUNS_PER_PIPELINE) is 3: the pipeline has 3 queued runs',
      details: [
        {
          path: 'runs',
          message: 'quota queuedRunsPerPipeline: limit 3, current 3',
        },
      ],
    });
    // A worker takes one run: it is no longer queued, so one more may be.
    await t.db.dataSource.query(
      `UPDATE pipeline_runs SET status = 'running', started_at = now(), heartbeat_at = now()
        WHERE id = (SELECT id FROM pipeline_runs WHERE pipeline_id = $1 AND status = 'queued' LIMIT 1)`,
      [id],
    );
    expect(
      (await call('POST', `/api/v1/pipelines/${id}/runs`)).statusCode,
    ).toBe(202);
    expect(
      (await call('POST', `/api/v1/pipelines/${id}/runs`)).statusCode,
    ).toBe(409);
    // Another tenant's id is still a 404, never a quota answer.
    expect(
      (
        await call(
          'POST',
          `/api/v1/pipelines/${id}/runs`,
          undefined,
          otherToken,
        )
      ).statusCode,
    ).toBe(404);
  });
});
