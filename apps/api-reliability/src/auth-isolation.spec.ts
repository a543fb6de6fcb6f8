/**
 * Scenarios 6 and 7 — auth gaps not covered by libs/api/tenancy/src/lib/tenant.guard.spec.ts (alg none, wrong key,
 * expired, not yet valid, missing tenant_id, unknown tenant, HS/RS confusion and the query-string token are there;
 * CRON_SECRET's constant-time compare is `cronSecretMatches`, sha256 + timingSafeEqual, cron-secret.spec.ts), and
 * tenant isolation on every tenant route: tenant A with tenant B's ids gets 404 and nothing of B in any body.
 */
import { Module } from '@nestjs/common';
import { SignJWT } from 'jose';

import type { TenantContext } from '@flow/api/tenancy';
import { PipelinesModule } from '@flow/api/pipelines';
import { RunsModule, WorkerService } from '@flow/api/runs';
import { SchedulerModule } from '@flow/api/scheduler';
import {
  createTestApp,
  TEST_CRON_SECRET,
  TEST_JWT_SECRET,
  type TestApp,
} from '@flow/api/tenancy/testing';

import { report } from './support/figures';

@Module({ imports: [RunsModule.register({ concurrency: 1 })] })
class TestRunsModule {}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const sign = (claims: Record<string, unknown>, key: string) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(key));

describe('auth and tenant isolation on the real routes', () => {
  let t: TestApp;
  let alpha: TenantContext;
  let bravo: TenantContext;
  let alphaAuth: Record<string, string>;
  let bravoAuth: Record<string, string>;
  let bravoPipeline: { id: string; name: string };
  let bravoRunId: string;
  let alphaPipelineId: string;
  const BRAVO_TABLES = ['bravo_secret_orders', 'bravo_secret_out'];

  beforeAll(async () => {
    t = await createTestApp(
      [PipelinesModule, TestRunsModule, SchedulerModule],
      { WORKER_ENABLED: 'false' },
    );
    alpha = await t.createTenant('alpha');
    bravo = await t.createTenant('bravo');
    alphaAuth = { authorization: `Bearer ${await t.tokenFor(alpha)}` };
    bravoAuth = { authorization: `Bearer ${await t.tokenFor(bravo)}` };
    await t.db.dataSource.query(
      `CREATE TABLE tenant_bravo.bravo_secret_orders (id integer, secret_amount numeric)`,
    );
    await t.db.dataSource.query(
      `INSERT INTO tenant_bravo.bravo_secret_orders SELECT g, g * 7 FROM generate_series(1, 50) g`,
    );
    const bravoIr = {
      version: 1,
      schedule: { type: 'cron', expression: '*/5 * * * *' },
      nodes: [
        {
          id: 'src',
          type: 'source',
          table: 'bravo_secret_orders',
          columns: ['id', 'secret_amount'],
        },
        {
          id: 'out',
          type: 'target',
          input: 'src',
          table: 'bravo_secret_out',
          mode: 'append',
        },
      ],
    };
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/pipelines',
      headers: bravoAuth,
      payload: { name: 'bravo-secret-pipeline', ir: bravoIr },
    });
    expect(created.statusCode).toBe(201);
    bravoPipeline = created.json();
    const run = await t.app.inject({
      method: 'POST',
      url: `/api/v1/pipelines/${bravoPipeline.id}/runs`,
      headers: bravoAuth,
    });
    bravoRunId = run.json<{ id: string }>().id;
    await t.app.get(WorkerService).drain();
    // Alpha's own pipeline names Bravo's table: it must resolve inside tenant_alpha, never reach tenant_bravo.
    const alphaIr = {
      version: 1,
      nodes: [
        {
          id: 'src',
          type: 'source',
          table: 'bravo_secret_orders',
          columns: ['id'],
        },
        {
          id: 'out',
          type: 'target',
          input: 'src',
          table: 'alpha_out',
          mode: 'append',
        },
      ],
    };
    const alphaCreated = await t.app.inject({
      method: 'POST',
      url: '/api/v1/pipelines',
      headers: alphaAuth,
      payload: { name: 'alpha-pipeline', ir: alphaIr },
    });
    expect(alphaCreated.statusCode).toBe(201);
    alphaPipelineId = alphaCreated.json<{ id: string }>().id;
  });

  afterAll(async () => {
    await t?.close();
  });

  const bravoMarkers = () => [
    bravo.id,
    bravo.slug === 'bravo' ? 'tenant_bravo' : bravo.schema,
    bravoPipeline.id,
    bravoPipeline.name,
    bravoRunId,
    ...BRAVO_TABLES,
    'secret_amount',
  ];
  const bravoChecksum = async (): Promise<string> =>
    (
      await t.db.dataSource.query(
        `SELECT md5(coalesce((SELECT string_agg(p::text || s::text, '|' ORDER BY p.id)
                                FROM pipelines p JOIN pipeline_state s ON s.pipeline_id = p.id WHERE p.tenant_id = $1), '') ||
                    coalesce((SELECT string_agg(r::text, '|' ORDER BY id) FROM pipeline_runs r WHERE tenant_id = $1), '') ||
                    (SELECT count(*)::text FROM tenant_bravo.bravo_secret_out)) AS sum`,
        [bravo.id],
      )
    )[0].sum;

  describe('tenant isolation (scenario 7)', () => {
    it('answers 404 to tenant A on every route addressed with tenant B’s pipeline, leaks nothing, changes nothing', async () => {
      const before = await bravoChecksum();
      const id = bravoPipeline.id;
      const attempts: {
        method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
        url: string;
        payload?: object;
      }[] = [
        { method: 'GET', url: `/api/v1/pipelines/${id}` },
        {
          method: 'PATCH',
          url: `/api/v1/pipelines/${id}`,
          payload: { name: 'stolen', paused: true },
        },
        { method: 'DELETE', url: `/api/v1/pipelines/${id}` },
        { method: 'GET', url: `/api/v1/pipelines/${id}/ir` },
        // A valid IR (an invalid one answers 400 before any lookup, the same for every id).
        {
          method: 'PUT',
          url: `/api/v1/pipelines/${id}/ir`,
          payload: {
            version: 1,
            nodes: [
              { id: 's', type: 'source', table: 'x', columns: ['id'] },
              {
                id: 'o',
                type: 'target',
                input: 's',
                table: 'y',
                mode: 'append',
              },
            ],
          },
        },
        { method: 'GET', url: `/api/v1/pipelines/${id}/sql-preview` },
        { method: 'POST', url: `/api/v1/pipelines/${id}/runs` },
        { method: 'GET', url: `/api/v1/pipelines/${id}/runs` },
      ];
      const seen: string[] = [];
      for (const attempt of attempts) {
        const response = await t.app.inject({ ...attempt, headers: alphaAuth });
        seen.push(
          `${attempt.method} ${attempt.url.replace(id, ':id')} ${response.statusCode}`,
        );
        expect({
          route: `${attempt.method} ${attempt.url}`,
          status: response.statusCode,
        }).toEqual({ route: `${attempt.method} ${attempt.url}`, status: 404 });
        for (const marker of bravoMarkers())
          expect(response.body).not.toContain(marker);
      }
      // Tenant-wide routes answer with A's data only.
      const wide = [
        '/api/v1/pipelines?limit=100',
        '/api/v1/lineage',
        '/api/v1/scheduler-status',
        `/api/v1/pipelines/${alphaPipelineId}/sql-preview`,
      ];
      for (const url of wide) {
        const response = await t.app.inject({
          method: 'GET',
          url,
          headers: alphaAuth,
        });
        seen.push(
          `GET ${url.replace(alphaPipelineId, ':ownId')} ${response.statusCode}`,
        );
        expect({ url, status: response.statusCode }).toEqual({
          url,
          status: 200,
        });
        for (const marker of bravoMarkers().filter(
          (m) => m !== 'bravo_secret_orders',
        ))
          expect(response.body).not.toContain(marker);
      }
      // A's own IR names B's table: the preview resolves it in A's schema (unknown table there), lineage says it does
      // not exist, and a run of A fails as "unknown table" instead of reading B's rows.
      const preview = (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/pipelines/${alphaPipelineId}/sql-preview`,
          headers: alphaAuth,
        })
      ).json<{ sql: string; warnings: string[] }>();
      expect(preview.sql).toContain('"tenant_alpha"."bravo_secret_orders"');
      expect(preview.sql).not.toContain('tenant_bravo');
      const lineage = (
        await t.app.inject({
          method: 'GET',
          url: '/api/v1/lineage',
          headers: alphaAuth,
        })
      ).json<{
        nodes: { table: string; exists: boolean; rowCount: number | null }[];
      }>();
      expect(
        lineage.nodes.find((n) => n.table === 'bravo_secret_orders'),
      ).toMatchObject({ exists: false, rowCount: null });
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/pipelines/${alphaPipelineId}/runs`,
        headers: alphaAuth,
      });
      await t.app.get(WorkerService).drain();
      const [alphaRun] = (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/pipelines/${alphaPipelineId}/runs`,
          headers: alphaAuth,
        })
      ).json<{ items: { status: string; error: string }[] }>().items;
      expect(alphaRun.status).toBe('failed');
      expect(alphaRun.error).toMatch(/bravo_secret_orders/);
      expect(alphaRun.error).not.toContain('tenant_bravo');
      const [{ exists }] = await t.db.dataSource.query(
        `SELECT to_regclass('tenant_alpha.alpha_out') IS NOT NULL AS exists`,
      );
      expect(exists).toBe(false);

      expect(await bravoChecksum()).toBe(before);
      // B still sees its own pipeline, unchanged.
      expect(
        (
          await t.app.inject({
            method: 'GET',
            url: `/api/v1/pipelines/${id}`,
            headers: bravoAuth,
          })
        ).json(),
      ).toMatchObject({ id, name: bravoPipeline.name, paused: false });
      report('tenant-isolation', {
        routesChecked: seen.length,
        crossTenant404: attempts.length,
        tenantWide200: wide.length,
        leaks: 0,
        bravoChanged: false,
      });
    });
  });

  describe('auth gaps on the real routes (scenario 6)', () => {
    const tick = (headers: Record<string, string>, query = '') =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/cron/flow-scheduler-tick${query}`,
        headers,
      });

    it.each([
      ['a tenant JWT', async () => ({ headers: alphaAuth, query: '' })],
      [
        'the CRON_SECRET in the query string',
        async () => ({
          headers: {},
          query: `?secret=${TEST_CRON_SECRET}&token=${TEST_CRON_SECRET}`,
        }),
      ],
      [
        'the CRON_SECRET as a cookie',
        async () => ({
          headers: { cookie: `token=${TEST_CRON_SECRET}` },
          query: '',
        }),
      ],
      [
        'the CRON_SECRET with another scheme',
        async () => ({
          headers: { authorization: `Basic ${TEST_CRON_SECRET}` },
          query: '',
        }),
      ],
      [
        'a prefix of the CRON_SECRET',
        async () => ({
          headers: { authorization: `Bearer ${TEST_CRON_SECRET.slice(0, -1)}` },
          query: '',
        }),
      ],
    ])('the tick refuses %s with 401', async (_case, make) => {
      const { headers, query } = await make();
      const response = await tick(headers, query);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ statusCode: 401 });
    });

    it.each([
      [
        'the CRON_SECRET as a bearer token',
        async () => `Bearer ${TEST_CRON_SECRET}`,
      ],
      [
        'a JWT signed with the CRON_SECRET',
        async () =>
          `Bearer ${await sign({ tenant_id: alpha.id, exp: nowSeconds() + 600 }, TEST_CRON_SECRET)}`,
      ],
      [
        'a tenant_id given as an array',
        async () =>
          `Bearer ${await sign({ tenant_id: [alpha.id], exp: nowSeconds() + 600 }, TEST_JWT_SECRET)}`,
      ],
      [
        'a tenant_id with SQL in it',
        async () =>
          `Bearer ${await sign({ tenant_id: `${alpha.id}' OR '1'='1`, exp: nowSeconds() + 600 }, TEST_JWT_SECRET)}`,
      ],
      [
        'an HS512 token with the right secret',
        async () =>
          `Bearer ${await new SignJWT({ tenant_id: alpha.id, exp: nowSeconds() + 600 }).setProtectedHeader({ alg: 'HS512' }).sign(new TextEncoder().encode(TEST_JWT_SECRET))}`,
      ],
    ])('tenant routes refuse %s with 401', async (_case, make) => {
      const response = await t.app.inject({
        method: 'GET',
        url: '/api/v1/pipelines',
        headers: { authorization: await make() },
      });
      expect(response.statusCode).toBe(401);
    });

    it('a token whose tenant_id is B’s id sees B only — identity comes from the verified claim, nothing else', async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: '/api/v1/pipelines?limit=100',
        headers: { ...bravoAuth, 'x-tenant-id': alpha.id },
      });
      const names = response
        .json<{ items: { name: string }[] }>()
        .items.map((item) => item.name);
      expect(names).toEqual(['bravo-secret-pipeline']);
      report('auth', {
        tickRefusals: 5,
        tenantRouteRefusals: 5,
        headerOverrideIgnored: true,
      });
    });
  });
});
