import { createTestApp, type TestApp } from '@flow/api/tenancy/testing';
import type { TenantContext } from '@flow/api/tenancy';
import type {
  PipelineIr,
  PipelineListResponse,
  PipelineResponse,
  Schedule,
} from '@flow/contracts';
import { EVALUATION_BUDGET } from '@flow/schedule';

import { PipelinesModule } from './pipelines.module';

function irWith(schedule: Schedule | null = null): PipelineIr {
  return {
    version: 1,
    schedule,
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
}

describe(PipelinesModule.name, () => {
  let t: TestApp;
  let acme: TenantContext;
  let other: TenantContext;
  let acmeAuth: { authorization: string };
  let otherAuth: { authorization: string };

  beforeAll(async () => {
    t = await createTestApp([PipelinesModule]);
    acme = await t.createTenant('acme', 'America/New_York');
    other = await t.createTenant('other');
    acmeAuth = { authorization: `Bearer ${await t.tokenFor(acme)}` };
    otherAuth = { authorization: `Bearer ${await t.tokenFor(other)}` };
  });

  afterAll(async () => {
    await t.close();
  });

  const create = (body: unknown, headers = acmeAuth) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/pipelines',
      headers,
      payload: body as object,
    });
  const dbNow = async (): Promise<Date> =>
    (await t.db.dataSource.query('SELECT now() AS now'))[0].now;

  describe('create and get', () => {
    it('creates a scheduled pipeline, computing its first fire in the tenant zone from the database clock', async () => {
      const before = await dbNow();
      const response = await create({
        name: 'hourly-orders',
        ir: irWith({ type: 'cron', expression: '0 * * * *' }),
      });
      expect(response.statusCode).toBe(201);
      const body = response.json<PipelineResponse>();
      expect(body).toMatchObject({
        name: 'hourly-orders',
        paused: false,
        lastRunAt: null,
        lastRunStatus: null,
      });
      const nextFire = new Date(body.nextFireAt as string);
      expect(nextFire.getTime()).toBeGreaterThan(before.getTime());
      expect(nextFire.getTime() - before.getTime()).toBeLessThanOrEqual(
        3_600_000,
      );
      expect(nextFire.getUTCMinutes()).toBe(0);
      const fetched = await t.app.inject({
        method: 'GET',
        url: `/api/v1/pipelines/${body.id}`,
        headers: acmeAuth,
      });
      expect(fetched.json()).toEqual(body);
      const ir = await t.app.inject({
        method: 'GET',
        url: `/api/v1/pipelines/${body.id}/ir`,
        headers: acmeAuth,
      });
      expect(ir.json()).toEqual(
        irWith({ type: 'cron', expression: '0 * * * *' }),
      );
    });

    it('leaves next_fire_at empty for an unscheduled or paused pipeline', async () => {
      const unscheduled = (
        await create({ name: 'manual-only', ir: irWith(null) })
      ).json<PipelineResponse>();
      const paused = (
        await create({
          name: 'paused-one',
          ir: irWith({ type: 'interval', every: 'PT5M' }),
          paused: true,
        })
      ).json<PipelineResponse>();
      expect(unscheduled.nextFireAt).toBeNull();
      expect(paused).toMatchObject({ paused: true, nextFireAt: null });
    });

    it('answers 409 naming the field for a duplicate name within a tenant, while another tenant may reuse it', async () => {
      await create({ name: 'dup', ir: irWith() });
      const again = await create({ name: 'dup', ir: irWith() });
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({
        statusCode: 409,
        details: [{ path: 'name', message: 'already exists' }],
      });
      expect(
        (await create({ name: 'dup', ir: irWith() }, otherAuth)).statusCode,
      ).toBe(201);
    });
  });

  describe('list', () => {
    it('pages with a keyset cursor in name order without gaps or repeats', async () => {
      const tenant = await t.createTenant('paging');
      const headers = { authorization: `Bearer ${await t.tokenFor(tenant)}` };
      const names = Array.from(
        { length: 23 },
        (_, i) => `p-${String(i).padStart(2, '0')}`,
      );
      for (const name of [...names].reverse())
        await create({ name, ir: irWith() }, headers);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url = `/api/v1/pipelines?limit=10${cursor ? `&cursor=${cursor}` : ''}`;
        const page: PipelineListResponse = (
          await t.app.inject({ method: 'GET', url, headers })
        ).json();
        seen.push(...page.items.map((item) => item.name));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual(names);
    });

    it('filters by a case-insensitive part of the name across keyset pages, taking % and _ literally', async () => {
      const tenant = await t.createTenant('filtering');
      const headers = { authorization: `Bearer ${await t.tokenFor(tenant)}` };
      const names = [
        'Orders-Hourly',
        'orders_daily',
        'billing',
        'old-orders',
        'x%y',
        'revenue',
      ];
      for (const name of names) await create({ name, ir: irWith() }, headers);
      const filtered = async (needle: string) => {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const url = `/api/v1/pipelines?limit=1&name=${encodeURIComponent(needle)}${cursor ? `&cursor=${cursor}` : ''}`;
          const page: PipelineListResponse = (
            await t.app.inject({ method: 'GET', url, headers })
          ).json();
          seen.push(...page.items.map((item) => item.name));
          cursor = page.nextCursor;
        } while (cursor);
        return seen;
      };
      // Each name once, in the database's name order; compared as a set (the order is the collation's).
      expect((await filtered('ORDERS')).sort()).toEqual(
        ['Orders-Hourly', 'old-orders', 'orders_daily'].sort(),
      );
      expect(await filtered('%')).toEqual(['x%y']);
      expect(await filtered('_')).toEqual(['orders_daily']);
      const tooLong = await t.app.inject({
        method: 'GET',
        url: `/api/v1/pipelines?name=${'a'.repeat(201)}`,
        headers,
      });
      expect(tooLong.statusCode).toBe(400);
      expect(tooLong.json().details[0].path).toBe('name');
    });

    it('defaults to 20 items and reports the schedule kind', async () => {
      const page: PipelineListResponse = (
        await t.app.inject({
          method: 'GET',
          url: '/api/v1/pipelines',
          headers: acmeAuth,
        })
      ).json();
      expect(page.items.length).toBeLessThanOrEqual(20);
      expect(
        page.items.find((item) => item.name === 'hourly-orders')?.schedule,
      ).toBe('cron');
      expect(
        page.items.find((item) => item.name === 'manual-only')?.schedule,
      ).toBeNull();
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=-5', 'limit'],
      ['cursor=not-a-cursor', 'cursor'],
    ])('answers 400 naming the parameter for %s', async (query, path) => {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/v1/pipelines?${query}`,
        headers: acmeAuth,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().details[0].path).toBe(path);
    });
  });

  describe('update and delete', () => {
    it('re-anchors a changed schedule at the edit, keeps next_fire_at on an unrelated edit, clears it on pause and recomputes it on resume', async () => {
      const created = (
        await create({
          name: 'editable',
          ir: irWith({ type: 'cron', expression: '0 0 1 1 *' }),
        })
      ).json<PipelineResponse>();
      // An unrelated edit (the name) leaves the fire alone.
      const renamed = (
        await t.app.inject({
          method: 'PATCH',
          url: `/api/v1/pipelines/${created.id}`,
          headers: acmeAuth,
          payload: { name: 'edited' },
        })
      ).json<PipelineResponse>();
      expect(renamed.nextFireAt).toBe(created.nextFireAt);
      // A new schedule fires from the edit on.
      const changed = await t.app.inject({
        method: 'PUT',
        url: `/api/v1/pipelines/${created.id}/ir`,
        headers: acmeAuth,
        payload: irWith({ type: 'interval', every: 'PT10M' }),
      });
      expect(changed.statusCode).toBe(200);
      const afterChange = (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/pipelines/${created.id}`,
          headers: acmeAuth,
        })
      ).json<PipelineResponse>();
      const now = await dbNow();
      const delta =
        new Date(afterChange.nextFireAt as string).getTime() - now.getTime();
      expect(delta).toBeGreaterThan(0);
      expect(delta).toBeLessThanOrEqual(10 * 60_000);
      const paused = (
        await t.app.inject({
          method: 'PATCH',
          url: `/api/v1/pipelines/${created.id}`,
          headers: acmeAuth,
          payload: { paused: true },
        })
      ).json<PipelineResponse>();
      expect(paused.nextFireAt).toBeNull();
      const resumed = (
        await t.app.inject({
          method: 'PATCH',
          url: `/api/v1/pipelines/${created.id}`,
          headers: acmeAuth,
          payload: { paused: false },
        })
      ).json<PipelineResponse>();
      expect(new Date(resumed.nextFireAt as string).getTime()).toBeGreaterThan(
        now.getTime() - 1000,
      );
    });

    it('keeps exactly one pipeline_state row per pipeline, in step with it, through create, edit, pause, resume and delete', async () => {
      const stateOf = async (id: string) =>
        (await t.db.dataSource.query(
          `SELECT s.tenant_id, s.schedule_since, s.next_fire_at, s.previous_fire_at, s.schedule_error
             FROM pipeline_state s WHERE s.pipeline_id = $1`,
          [id],
        )) as {
          tenant_id: string;
          schedule_since: Date | null;
          next_fire_at: Date | null;
          previous_fire_at: Date | null;
          schedule_error: string | null;
        }[];
      const patch = (id: string, payload: object) =>
        t.app.inject({
          method: 'PATCH',
          url: `/api/v1/pipelines/${id}`,
          headers: acmeAuth,
          payload,
        });
      const created = (
        await create({
          name: 'stateful',
          ir: irWith({
            type: 'cron',
            expression: '*/10 * * * *',
            timezone: 'UTC',
          }),
        })
      ).json<PipelineResponse>();
      const [fresh] = await stateOf(created.id);
      expect(fresh.tenant_id).toBe(acme.id);
      expect(fresh.next_fire_at?.toISOString()).toBe(created.nextFireAt);
      // A new schedule expects nothing before it began.
      expect(fresh.previous_fire_at).toBeNull();
      expect(fresh.schedule_since?.getUTCSeconds()).toBe(0);

      await patch(created.id, { name: 'stateful-renamed' });
      expect(await stateOf(created.id)).toEqual([fresh]);

      await patch(created.id, { paused: true });
      expect(await stateOf(created.id)).toEqual([
        { ...fresh, next_fire_at: null, previous_fire_at: null },
      ]);

      // As if the schedule had been set two hours ago: resuming expects its latest fire and the one after now.
      await t.db.dataSource.query(
        `UPDATE pipeline_state SET schedule_since = schedule_since - interval '2 hours', schedule_error = 'stale'
          WHERE pipeline_id = $1`,
        [created.id],
      );
      const resumed = (
        await patch(created.id, { paused: false })
      ).json<PipelineResponse>();
      const now = (await dbNow()).getTime();
      const tenMinutes = 10 * 60_000;
      const [afterResume] = await stateOf(created.id);
      expect(afterResume.previous_fire_at?.getTime()).toBe(
        Math.floor(now / tenMinutes) * tenMinutes,
      );
      expect(afterResume.next_fire_at?.toISOString()).toBe(resumed.nextFireAt);
      expect(afterResume.next_fire_at?.getTime()).toBe(
        (Math.floor(now / tenMinutes) + 1) * tenMinutes,
      );
      expect(afterResume.schedule_error).toBeNull();

      await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/pipelines/${created.id}`,
        headers: acmeAuth,
      });
      expect(await stateOf(created.id)).toEqual([]);

      // A pipeline inserted behind the api's back still gets its (empty) state row.
      const [{ id: raw }] = await t.db.dataSource.query(
        `INSERT INTO pipelines (tenant_id, name, ir) VALUES ($1, 'raw-insert', '{"version":1,"nodes":[]}') RETURNING id`,
        [acme.id],
      );
      expect(await stateOf(raw)).toEqual([
        {
          tenant_id: acme.id,
          schedule_since: null,
          next_fire_at: null,
          previous_fire_at: null,
          schedule_error: null,
        },
      ]);
      const [{ orphans }] = await t.db.dataSource.query(
        `SELECT count(*)::int AS orphans
           FROM pipelines p FULL JOIN pipeline_state s ON s.pipeline_id = p.id
          WHERE p.id IS NULL OR s.pipeline_id IS NULL OR s.tenant_id <> p.tenant_id`,
      );
      expect(orphans).toBe(0);
      await t.db.dataSource.query(`DELETE FROM pipelines WHERE id = $1`, [raw]);
    });

    it('deletes, after which the pipeline is gone', async () => {
      const created = (
        await create({ name: 'to-delete', ir: irWith() })
      ).json<PipelineResponse>();
      expect(
        (
          await t.app.inject({
            method: 'DELETE',
            url: `/api/v1/pipelines/${created.id}`,
            headers: acmeAuth,
          })
        ).statusCode,
      ).toBe(204);
      expect(
        (
          await t.app.inject({
            method: 'GET',
            url: `/api/v1/pipelines/${created.id}`,
            headers: acmeAuth,
          })
        ).statusCode,
      ).toBe(404);
      expect(
        (
          await t.app.inject({
            method: 'DELETE',
            url: `/api/v1/pipelines/${created.id}`,
            headers: acmeAuth,
          })
        ).statusCode,
      ).toBe(404);
    });
  });

  describe('tenant isolation', () => {
    it('answers 404 on every pipelines route for another tenant’s pipeline and changes nothing', async () => {
      const mine = (
        await create({
          name: 'isolated',
          ir: irWith({ type: 'cron', expression: '*/5 * * * *' }),
        })
      ).json<PipelineResponse>();
      const url = `/api/v1/pipelines/${mine.id}`;
      const attempts = [
        { method: 'GET' as const, url },
        { method: 'PATCH' as const, url, payload: { name: 'stolen' } },
        { method: 'DELETE' as const, url },
        { method: 'GET' as const, url: `${url}/ir` },
        { method: 'PUT' as const, url: `${url}/ir`, payload: irWith() },
      ];
      for (const attempt of attempts) {
        const response = await t.app.inject({ ...attempt, headers: otherAuth });
        expect({
          route: `${attempt.method} ${attempt.url}`,
          status: response.statusCode,
          body: response.json(),
        }).toEqual({
          route: `${attempt.method} ${attempt.url}`,
          status: 404,
          body: {
            statusCode: 404,
            error: 'Not Found',
            message: 'Pipeline not found',
          },
        });
      }
      const list: PipelineListResponse = (
        await t.app.inject({
          method: 'GET',
          url: '/api/v1/pipelines?limit=100',
          headers: otherAuth,
        })
      ).json();
      expect(list.items.map((item) => item.id)).not.toContain(mine.id);
      expect(
        (await t.app.inject({ method: 'GET', url, headers: acmeAuth })).json(),
      ).toEqual(mine);
    });

    it('answers 404 (not 400 or 500) for malformed ids', async () => {
      for (const id of [
        'not-a-uuid',
        "1' OR '1'='1",
        '00000000-0000-0000-0000-000000000000',
      ]) {
        const response = await t.app.inject({
          method: 'GET',
          url: `/api/v1/pipelines/${encodeURIComponent(id)}`,
          headers: acmeAuth,
        });
        expect(response.statusCode).toBe(404);
      }
    });

    it('requires a tenant token on every route', async () => {
      for (const [method, url] of [
        ['GET', '/api/v1/pipelines'],
        ['POST', '/api/v1/pipelines'],
      ] as const) {
        expect((await t.app.inject({ method, url })).statusCode).toBe(401);
      }
    });
  });

  describe('validation', () => {
    const valid = irWith();
    const cases: [string, unknown, string, RegExp][] = [
      ['body not an object', [1, 2], 'body', /JSON object/],
      ['missing name', { ir: valid }, 'name', /required/],
      ['empty name', { name: '  ', ir: valid }, 'name', /empty/],
      ['name not a string', { name: 42, ir: valid }, 'name', /string/],
      [
        'name too long',
        { name: 'x'.repeat(201), ir: valid },
        'name',
        /at most 200/,
      ],
      [
        'paused not boolean',
        { name: 'a', ir: valid, paused: 'yes' },
        'paused',
        /boolean/,
      ],
      [
        'unknown top-level field',
        { name: 'a', ir: valid, owner: 'me' },
        'owner',
        /unknown field/,
      ],
      ['missing ir', { name: 'a' }, 'ir', /required/],
      [
        'wrong IR version',
        { name: 'a', ir: { ...valid, version: 2 } },
        'ir.version',
        /./,
      ],
      [
        'unknown node field',
        {
          name: 'a',
          ir: {
            ...valid,
            nodes: [{ ...valid.nodes[0], tabel: 'x' }, ...valid.nodes.slice(1)],
          },
        },
        'ir.nodes[0].tabel',
        /unknown field/,
      ],
      [
        'SQL in a table name',
        {
          name: 'a',
          ir: {
            ...valid,
            nodes: [
              { ...valid.nodes[0], table: 'orders; DROP TABLE tenants' },
              ...valid.nodes.slice(1),
            ],
          },
        },
        'ir.nodes[0].table',
        /identifier/,
      ],
      [
        'input naming a missing node',
        {
          name: 'a',
          ir: {
            ...valid,
            nodes: [
              valid.nodes[0],
              { ...valid.nodes[1], input: 'nope' },
              valid.nodes[2],
            ],
          },
        },
        'ir.nodes[1].input',
        /./,
      ],
      [
        'unknown filter operator',
        {
          name: 'a',
          ir: {
            ...valid,
            nodes: [
              valid.nodes[0],
              {
                ...valid.nodes[1],
                where: [{ column: 'status', op: '~~', value: 'x' }],
              },
              valid.nodes[2],
            ],
          },
        },
        'ir.nodes[1].where[0].op',
        /./,
      ],
      [
        'cron minute out of range',
        { name: 'a', ir: irWith({ type: 'cron', expression: '61 * * * *' }) },
        'ir.schedule.expression',
        /minute 61 is out of range 0-59/,
      ],
      [
        'cron with six fields',
        { name: 'a', ir: irWith({ type: 'cron', expression: '0 0 * * * *' }) },
        'ir.schedule.expression',
        /./,
      ],
      [
        'unknown time zone',
        {
          name: 'a',
          ir: irWith({
            type: 'cron',
            expression: '0 * * * *',
            timezone: 'Mars/Olympus',
          }),
        },
        'ir.schedule.timezone',
        /./,
      ],
      [
        'interval under a minute',
        { name: 'a', ir: irWith({ type: 'interval', every: 'PT30S' }) },
        'ir.schedule.every',
        /./,
      ],
      [
        'interval not ISO-8601',
        { name: 'a', ir: irWith({ type: 'interval', every: '15 minutes' }) },
        'ir.schedule.every',
        /./,
      ],
      [
        'malformed RRULE',
        {
          name: 'a',
          ir: irWith({ type: 'rrule', rrule: 'RRULE:FREQ=SOMETIMES' }),
        },
        'ir.schedule.rrule',
        /./,
      ],
      [
        'unknown schedule type',
        { name: 'a', ir: irWith({ type: 'sometimes' } as unknown as Schedule) },
        'ir.schedule.type',
        /./,
      ],
      [
        'maxCatchup out of range',
        {
          name: 'a',
          ir: irWith({
            type: 'interval',
            every: 'PT5M',
            misfire: 'catchup',
            maxCatchup: 500,
          }),
        },
        'ir.schedule.maxCatchup',
        /./,
      ],
      [
        'unknown schedule field',
        {
          name: 'a',
          ir: irWith({
            type: 'interval',
            every: 'PT5M',
            jitter: 5,
          } as unknown as Schedule),
        },
        'ir.schedule.jitter',
        /unknown field/,
      ],
    ];

    it.each(cases)(
      'answers 400 naming the path for %s',
      async (_case, body, path, message) => {
        const response = await create(body);
        expect(response.statusCode).toBe(400);
        const detail = response
          .json()
          .details.find((d: { path: string }) => d.path === path);
        expect(detail).toBeDefined();
        expect(detail.message).toMatch(message);
        expect(response.json().message).toMatch(/^[\w.[\]]+: /);
      },
    );

    it('checks columns against tables that exist (400 naming node and column), and accepts tables that do not exist yet', async () => {
      const tenant = await t.createTenant('with-tables');
      const headers = { authorization: `Bearer ${await t.tokenFor(tenant)}` };
      await t.db.dataSource.query(
        `CREATE TABLE "${tenant.schema}".orders (id integer, amount numeric, status text)`,
      );
      const typo = irWith();
      typo.nodes[0] = {
        id: 'orders',
        type: 'source',
        table: 'orders',
        columns: ['id', 'amout', 'status'],
      };
      const response = await create({ name: 'typo', ir: typo }, headers);
      expect(response.statusCode).toBe(400);
      expect(response.json().details).toEqual([
        {
          path: 'ir.nodes[0].columns[1]',
          message: 'unknown column "amout" in table "orders"',
        },
      ]);
      const laterFilter = irWith();
      laterFilter.nodes[1] = {
        id: 'paid',
        type: 'filter',
        input: 'orders',
        where: [{ column: 'state', op: '=', value: 'paid' }],
      };
      const downstream = await create(
        { name: 'downstream-typo', ir: laterFilter },
        headers,
      );
      expect(downstream.json().details[0]).toEqual({
        path: 'ir.nodes[1].where[0].column',
        message: 'unknown column "state" in the output of node "orders"',
      });
      const future = irWith();
      future.nodes[0] = {
        id: 'orders',
        type: 'source',
        table: 'orders_next_year',
        columns: ['id', 'amount', 'status'],
      };
      expect(
        (await create({ name: 'future-table', ir: future }, headers))
          .statusCode,
      ).toBe(201);
      expect(
        (await create({ name: 'correct', ir: irWith() }, headers)).statusCode,
      ).toBe(201);
    });

    it('rejects an invalid IR on PUT /ir and PATCH without changing the stored pipeline', async () => {
      const created = (
        await create({ name: 'stable', ir: irWith() })
      ).json<PipelineResponse>();
      const bad = irWith({ type: 'cron', expression: '* * 32 * *' });
      expect(
        (
          await t.app.inject({
            method: 'PUT',
            url: `/api/v1/pipelines/${created.id}/ir`,
            headers: acmeAuth,
            payload: bad,
          })
        ).statusCode,
      ).toBe(400);
      expect(
        (
          await t.app.inject({
            method: 'PATCH',
            url: `/api/v1/pipelines/${created.id}`,
            headers: acmeAuth,
            payload: { ir: bad },
          })
        ).statusCode,
      ).toBe(400);
      expect(
        (
          await t.app.inject({
            method: 'PATCH',
            url: `/api/v1/pipelines/${created.id}`,
            headers: acmeAuth,
            payload: {},
          })
        ).statusCode,
      ).toBe(400);
      expect(
        (
          await t.app.inject({
            method: 'GET',
            url: `/api/v1/pipelines/${created.id}`,
            headers: acmeAuth,
          })
        ).json(),
      ).toEqual(created);
    });

    it('answers 400 for a body that is not JSON, and 413 for one over the size limit', async () => {
      const notJson = await t.app.inject({
        method: 'POST',
        url: '/api/v1/pipelines',
        headers: { ...acmeAuth, 'content-type': 'application/json' },
        payload: '{bad',
      });
      expect(notJson.statusCode).toBe(400);
      const huge = await t.app.inject({
        method: 'POST',
        url: '/api/v1/pipelines',
        headers: { ...acmeAuth, 'content-type': 'application/json' },
        payload: JSON.stringify({ name: 'x'.repeat(2_000_000) }),
      });
      expect(huge.statusCode).toBe(413);
      expect(huge.json()).toMatchObject({ statusCode: 413 });
    });
  });

  describe('schedules that never fire (DESIGN §17)', () => {
    const rrule = (text: string) =>
      irWith({ type: 'rrule', rrule: text } as Schedule);
    const budget = EVALUATION_BUDGET.steps;
    // A tiny budget: were a rule decided by expanding it until something gave up, it would answer "cannot be
    // evaluated within the budget" — these must be decided by reasoning over the rule.
    beforeAll(() => {
      EVALUATION_BUDGET.steps = 5_000;
    });
    afterAll(() => {
      EVALUATION_BUDGET.steps = budget;
    });

    it.each([
      [
        'HOURLY;INTERVAL=3 never meets BYHOUR=1,13 (from 12:45)',
        'DTSTART;TZID=Australia/Lord_Howe:20250415T124500\nRRULE:FREQ=HOURLY;INTERVAL=3;BYHOUR=1,13;BYMINUTE=30',
        /^never fires: INTERVAL=3 hours from 12:45 reaches only the hours 0, 3, 6, 9, 12, 15, 18 and 21 of a day, and BYHOUR 1,13 is none of them$/,
      ],
      [
        'DAILY;INTERVAL=7;BYDAY=MO from a Tuesday',
        'DTSTART:20261201T090000Z\nRRULE:FREQ=DAILY;INTERVAL=7;BYDAY=MO',
        /^never fires: every 7 days from a Tuesday lands only on Tuesdays, and BYDAY MO is none of them$/,
      ],
      [
        'MONTHLY;INTERVAL=12;BYMONTH=3 from January',
        'DTSTART:20270115T090000Z\nRRULE:FREQ=MONTHLY;INTERVAL=12;BYMONTH=3',
        /^never fires: INTERVAL=12 months from January reaches only January, and BYMONTH 3 is none of them$/,
      ],
      [
        'MINUTELY;INTERVAL=2;BYMINUTE=1,3,5 from an even minute',
        'DTSTART:20261201T090000Z\nRRULE:FREQ=MINUTELY;INTERVAL=2;BYMINUTE=1,3,5',
        /^never fires: INTERVAL=2 minutes from minute 0 reaches only the minutes 0, 2, 4, 6, …, 58 of an hour/,
      ],
      [
        'HOURLY;INTERVAL=48;BYHOUR=13 from 09:00',
        'DTSTART:20261201T090000Z\nRRULE:FREQ=HOURLY;INTERVAL=48;BYHOUR=13',
        /^never fires: INTERVAL=48 hours from 09:00 reaches only hour 9 of a day, and BYHOUR 13 is none of them$/,
      ],
      [
        'YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO (first in 2044)',
        'DTSTART:20261201T090000Z\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO',
        /^next fires at 2044-02-29T09:00:00.000Z, more than 10 years away$/,
      ],
    ])('answers 400 naming ir.schedule.rrule: %s', async (_case, text, why) => {
      const response = await create({ name: 'never', ir: rrule(text) });
      expect(response.statusCode).toBe(400);
      expect(response.json().details).toEqual([
        { path: 'ir.schedule.rrule', message: expect.stringMatching(why) },
      ]);
    });

    it('decides a rule without DTSTART from the moment it is written (the start is the creation)', async () => {
      const today = new Date(await dbNow());
      // Every 7 days from today (the tenant is in New York) reaches only today's weekday: name another one.
      const weekday = new Intl.DateTimeFormat('en-US', {
        timeZone: 'America/New_York',
        weekday: 'short',
      })
        .format(today)
        .slice(0, 2)
        .toUpperCase();
      const other = weekday === 'MO' ? 'TU' : 'MO';
      const response = await create({
        name: 'never-weekday',
        ir: rrule(`RRULE:FREQ=DAILY;INTERVAL=7;BYDAY=${other}`),
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().details[0]).toMatchObject({
        path: 'ir.schedule.rrule',
        message: expect.stringMatching(/^never fires: every 7 days from a /),
      });
    });

    it('accepts a rare rule whose next fire is within 10 years, and shows it', async () => {
      const response = await create({
        name: 'leap-tuesdays',
        ir: rrule(
          'DTSTART:20261201T090000Z\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=TU',
        ),
      });
      expect(response.statusCode).toBe(201);
      expect(response.json().nextFireAt).toBe('2028-02-29T09:00:00.000Z');
    });

    it('refuses a never-firing rule on a paused pipeline and in an edit, leaving the pipeline as it was', async () => {
      const paused = await create({
        name: 'paused-never',
        paused: true,
        ir: rrule(
          'DTSTART:20261201T090000Z\nRRULE:FREQ=HOURLY;INTERVAL=48;BYHOUR=13',
        ),
      });
      expect(paused.statusCode).toBe(400);
      const created = (
        await create({
          name: 'edited-never',
          ir: irWith({ type: 'cron', expression: '0 * * * *' }),
        })
      ).json<PipelineResponse>();
      const edit = await t.app.inject({
        method: 'PUT',
        url: `/api/v1/pipelines/${created.id}/ir`,
        headers: acmeAuth,
        payload: rrule(
          'DTSTART:20270115T090000Z\nRRULE:FREQ=MONTHLY;INTERVAL=12;BYMONTH=3',
        ),
      });
      expect(edit.statusCode).toBe(400);
      expect(edit.json().details[0].path).toBe('ir.schedule.rrule');
      const after = await t.app.inject({
        method: 'GET',
        url: `/api/v1/pipelines/${created.id}`,
        headers: acmeAuth,
      });
      expect(after.json()).toEqual(created);
    });

    it('refuses an interval whose first fire is more than 10 years away', async () => {
      const response = await create({
        name: 'far-anchor',
        ir: irWith({
          type: 'interval',
          every: 'PT1H',
          anchor: '2099-01-01T00:00:00Z',
        }),
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().details).toEqual([
        {
          path: 'ir.schedule.anchor',
          message:
            'next fires at 2099-01-01T00:00:00.000Z, more than 10 years away',
        },
      ]);
    });
  });
});
