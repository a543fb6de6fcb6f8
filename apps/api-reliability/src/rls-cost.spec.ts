/**
 * Scenario 7b — the cost of PostgreSQL row-level security as a second wall, measured before proposing it. In a
 * scratch database (10 tenants × 1,000 pipelines, like the perf dataset's control-plane rows), RLS is enabled on
 * `pipelines` and `pipeline_runs` with a policy on `current_setting('flow.tenant_id')`, and the two k6 queries
 * (GET /pipelines?limit=20 and GET /pipelines/:id/ir) are timed as a non-owner role: without RLS (one statement, as
 * today) and with RLS + the GUC set per transaction (BEGIN; set_config(…, true); query; COMMIT). The endpoints are
 * timed in-process on the same data, so the extra milliseconds are reported against what a request costs today.
 * A measurement, not a gate: it asserts only that the policy really filters.
 */
import { Client } from 'pg';

import { PipelinesModule } from '@flow/api/pipelines';
import { createTestApp, type TestApp } from '@flow/api/tenancy/testing';

import { CHAOS, percentile, report } from './support/figures';

const TENANTS = 10;
const PER_TENANT = 1_000;
const ITERATIONS = CHAOS ? 5_000 : 600;

const LIST_SQL = `SELECT p.id, p.name, p.schedule_kind, p.paused, s.last_run_at, s.last_run_status, p.updated_at
  FROM pipelines p JOIN pipeline_state s ON s.pipeline_id = p.id
 WHERE p.tenant_id = $1 AND ($2::text IS NULL OR p.name > $2) ORDER BY p.name LIMIT $3`;
const IR_SQL = `SELECT ir FROM pipelines WHERE tenant_id = $1 AND id = $2`;
/** The tenant-owned tables the k6 reads touch. */
const RLS_TABLES = ['pipelines', 'pipeline_state', 'pipeline_runs'];

describe('row-level security: cost on the k6 read queries', () => {
  let t: TestApp;
  let probe: Client;
  const tenants: {
    id: string;
    auth: Record<string, string>;
    pipelineId: string;
  }[] = [];

  beforeAll(async () => {
    t = await createTestApp([PipelinesModule]);
    for (let i = 0; i < TENANTS; i++) {
      const tenant = await t.createTenant(`rls-${i}`);
      const [{ id }] = await t.db.dataSource.query(
        `WITH p AS (
           INSERT INTO pipelines (tenant_id, name, ir, schedule_kind)
           SELECT $1, 'pipeline-' || lpad(g::text, 5, '0'), $2::jsonb, 'cron' FROM generate_series(1, $3) g
           RETURNING id, tenant_id
         )
         INSERT INTO pipeline_state (pipeline_id, tenant_id, schedule_since, next_fire_at)
         SELECT id, tenant_id, now(), now() + interval '1 hour' FROM p
         RETURNING pipeline_id AS id`,
        [
          tenant.id,
          JSON.stringify({
            version: 1,
            schedule: { type: 'cron', expression: '*/15 * * * *' },
            nodes: [
              {
                id: 'orders',
                type: 'source',
                table: 'orders',
                columns: ['id', 'amount', 'status'],
              },
              {
                id: 'out',
                type: 'target',
                input: 'orders',
                table: 'paid_orders',
                mode: 'append',
              },
            ],
          }),
          PER_TENANT,
        ],
      );
      tenants.push({
        id: tenant.id,
        auth: { authorization: `Bearer ${await t.tokenFor(tenant)}` },
        pipelineId: id,
      });
    }
    await t.db.dataSource.query('ANALYZE pipelines, pipeline_state');
    // The app connects as the owner (superuser here): RLS never applies to it. The probe plays a non-owner app role.
    await t.db.dataSource.query(
      `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'flow_rls_probe') THEN CREATE ROLE flow_rls_probe NOLOGIN; END IF; END $$`,
    );
    await t.db.dataSource.query(
      `GRANT SELECT ON pipelines, pipeline_state, pipeline_runs TO flow_rls_probe`,
    );
    probe = new Client({
      connectionString: t.db.url,
      application_name: 'reliability-rls',
    });
    await probe.connect();
    await probe.query('SET ROLE flow_rls_probe');
  }, 120_000);

  afterAll(async () => {
    await probe?.end().catch(() => undefined);
    await t?.db.dataSource
      .query(
        'REVOKE ALL ON pipelines, pipeline_state, pipeline_runs FROM flow_rls_probe',
      )
      .catch(() => undefined);
    await t?.close();
  });

  async function time(
    iterations: number,
    work: (i: number) => Promise<unknown>,
  ): Promise<number[]> {
    const samples: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const started = performance.now();
      await work(i);
      samples.push(performance.now() - started);
    }
    return samples;
  }

  const tenantOf = (i: number) => tenants[i % TENANTS];
  const plain = {
    list: (i: number) => probe.query(LIST_SQL, [tenantOf(i).id, null, 21]),
    ir: (i: number) =>
      probe.query(IR_SQL, [tenantOf(i).id, tenantOf(i).pipelineId]),
  };
  const withGuc =
    (query: string, params: (i: number) => unknown[]) => async (i: number) => {
      await probe.query('BEGIN');
      try {
        await probe.query(`SELECT set_config('flow.tenant_id', $1, true)`, [
          tenantOf(i).id,
        ]);
        await probe.query(query, params(i));
      } finally {
        await probe.query('COMMIT');
      }
    };
  const rls = {
    list: withGuc(LIST_SQL, (i) => [tenantOf(i).id, null, 21]),
    ir: withGuc(IR_SQL, (i) => [tenantOf(i).id, tenantOf(i).pipelineId]),
  };

  it('measures list and IR latency without and with RLS (GUC per transaction) and reports the cost', async () => {
    const endpoint = {
      list: await time(ITERATIONS, (i) =>
        t.app.inject({
          method: 'GET',
          url: '/api/v1/pipelines?limit=20',
          headers: tenantOf(i).auth,
        }),
      ),
      ir: await time(ITERATIONS, (i) =>
        t.app.inject({
          method: 'GET',
          url: `/api/v1/pipelines/${tenantOf(i).pipelineId}/ir`,
          headers: tenantOf(i).auth,
        }),
      ),
    };
    await time(100, plain.list);
    const without = { list: [] as number[], ir: [] as number[] };
    const withRls = { list: [] as number[], ir: [] as number[] };
    const policyOnly = { list: [] as number[] };
    const enable = async (on: boolean) => {
      const admin = t.db.dataSource;
      if (on) {
        for (const table of RLS_TABLES) {
          await admin.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
          await admin.query(
            `CREATE POLICY tenant_wall ON ${table} USING (tenant_id = nullif(current_setting('flow.tenant_id', true), '')::uuid)`,
          );
        }
      } else {
        for (const table of RLS_TABLES) {
          await admin.query(`DROP POLICY IF EXISTS tenant_wall ON ${table}`);
          await admin.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
        }
      }
    };
    // Alternate blocks so that noise from the shared machine lands on both sides.
    const blocks = 4;
    for (let block = 0; block < blocks; block++) {
      without.list.push(...(await time(ITERATIONS / blocks, plain.list)));
      without.ir.push(...(await time(ITERATIONS / blocks, plain.ir)));
      await enable(true);
      withRls.list.push(...(await time(ITERATIONS / blocks, rls.list)));
      withRls.ir.push(...(await time(ITERATIONS / blocks, rls.ir)));
      // The policy alone (GUC set once per session): what the filter costs without the extra round trips.
      await probe.query(`SELECT set_config('flow.tenant_id', $1, false)`, [
        tenants[0].id,
      ]);
      policyOnly.list.push(
        ...(await time(ITERATIONS / blocks, (i) =>
          probe.query(LIST_SQL, [tenants[0].id, null, 21 + (i % 1)]),
        )),
      );
      await probe.query(`RESET flow.tenant_id`);
      // The wall really holds: another tenant's row is invisible, and no GUC means no rows.
      const [leak] = (await withGuc(IR_SQL, () => [
        tenants[1].id,
        tenants[1].pipelineId,
      ])(0),
      await probe.query(`SELECT count(*)::int AS n FROM pipelines`)).rows;
      expect(leak.n).toBe(0);
      await enable(false);
    }
    const p = (values: number[], q: number) => percentile(values, q);
    const costPct = (name: 'list' | 'ir') =>
      ((p(withRls[name], 50) - p(without[name], 50)) / p(endpoint[name], 50)) *
      100;
    report('rls-cost', {
      iterations: ITERATIONS,
      endpointListP50Ms: p(endpoint.list, 50),
      endpointListP95Ms: p(endpoint.list, 95),
      endpointIrP50Ms: p(endpoint.ir, 50),
      endpointIrP95Ms: p(endpoint.ir, 95),
      sqlListP50Ms: p(without.list, 50),
      sqlListRlsP50Ms: p(withRls.list, 50),
      sqlListPolicyOnlyP50Ms: p(policyOnly.list, 50),
      sqlIrP50Ms: p(without.ir, 50),
      sqlIrRlsP50Ms: p(withRls.ir, 50),
      sqlListP95Ms: p(without.list, 95),
      sqlListRlsP95Ms: p(withRls.list, 95),
      sqlIrP95Ms: p(without.ir, 95),
      sqlIrRlsP95Ms: p(withRls.ir, 95),
      listCostPctOfEndpointP50: costPct('list'),
      irCostPctOfEndpointP50: costPct('ir'),
    });
    expect(endpoint.list.length).toBe(ITERATIONS);
  }, 240_000);
});
