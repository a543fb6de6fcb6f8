import { Client } from 'pg';

import {
  createTestApp,
  TEST_CRON_SECRET,
  type TestApp,
} from '@flow/api/tenancy/testing';
import type { TenantContext } from '@flow/api/tenancy';
import type {
  Schedule,
  SchedulerStatusResponse,
  SchedulerStatusRow,
  TickResult,
} from '@flow/contracts';

import { SchedulerModule } from './scheduler.module';
import { STATUS_VERSION_TTL_MS } from './status.service';
import { TICK_LOCK_KEY } from './scheduler.repository';
import { TickService } from './tick.service';

const MINUTE = 60_000;
const cronAuth = { authorization: `Bearer ${TEST_CRON_SECRET}` };

describe(SchedulerModule.name, () => {
  let t: TestApp;
  let acme: TenantContext;
  let other: TenantContext;

  beforeAll(async () => {
    t = await createTestApp([SchedulerModule], { DB_POOL_SIZE: '30' });
    acme = await t.createTenant('acme');
    other = await t.createTenant('other');
  });

  afterAll(async () => {
    await t.close();
  });

  const sql = <T = Record<string, unknown>>(
    text: string,
    params: unknown[] = [],
  ): Promise<T[]> => t.db.dataSource.query(text, params);
  const dbNow = async (): Promise<Date> =>
    (await sql<{ now: Date }>('SELECT now() AS now'))[0].now;
  const minuteFloor = (date: Date) =>
    new Date(Math.floor(date.getTime() / MINUTE) * MINUTE);

  /**
   * Inserts pipelines and their state rows straight into the tables, as if created at `since` and last advanced to
   * `nextFireAt` (with `previousFireAt` the fire before it, when given).
   */
  async function insertPipelines(
    tenant: TenantContext,
    count: number,
    schedule: Schedule | Record<string, unknown>,
    fields: {
      since: Date;
      nextFireAt: Date | null;
      previousFireAt?: Date | null;
      paused?: boolean;
      lastRunAt?: Date | null;
      prefix?: string;
    },
  ): Promise<string[]> {
    const rows = await sql<{ id: string }>(
      `WITH p AS (
         INSERT INTO pipelines (tenant_id, name, ir, schedule_kind, paused)
         SELECT $1, $2 || '-' || g, $3::jsonb, $4, $7 FROM generate_series(1, $9) AS g
         RETURNING id, tenant_id
       )
       INSERT INTO pipeline_state (pipeline_id, tenant_id, schedule_since, next_fire_at, previous_fire_at, last_run_at, last_run_status)
       SELECT id, tenant_id, $5, $6, $10, $8, CASE WHEN $8::timestamptz IS NULL THEN NULL ELSE 'succeeded' END FROM p
       RETURNING pipeline_id AS id`,
      [
        tenant.id,
        fields.prefix ?? `p${Math.random().toString(36).slice(2, 8)}`,
        JSON.stringify({ version: 1, schedule, nodes: [] }),
        (schedule as { type: string }).type,
        fields.since,
        fields.nextFireAt,
        fields.paused ?? false,
        fields.lastRunAt ?? null,
        count,
        fields.previousFireAt ?? null,
      ],
    );
    return rows.map((row) => row.id);
  }

  async function clearPipelines(): Promise<void> {
    await sql('DELETE FROM pipelines');
  }

  const tickHttp = (
    method: 'GET' | 'POST' = 'POST',
    headers: Record<string, string> = cronAuth,
  ) =>
    t.app.inject({ method, url: '/api/v1/cron/flow-scheduler-tick', headers });

  describe('tick', () => {
    beforeEach(clearPipelines);

    it('dispatches each (pipeline, fire) exactly once under 20 concurrent tick requests over 500 due pipelines', async () => {
      const now = await dbNow();
      const fire = new Date(minuteFloor(now).getTime() - MINUTE);
      const ids = await insertPipelines(
        acme,
        500,
        { type: 'cron', expression: '* * * * *', timezone: 'UTC' },
        { since: new Date(fire.getTime() - 10 * MINUTE), nextFireAt: fire },
      );
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          tickHttp(i % 2 === 0 ? 'GET' : 'POST'),
        ),
      );
      expect(responses.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
      const results = responses.map((r) => r.json<TickResult>());
      const dispatched = results.reduce(
        (sum, r) => sum + (r.skipped ? 0 : r.dispatched),
        0,
      );
      expect(dispatched).toBe(500);
      expect(results.some((r) => r.skipped)).toBe(true);
      const runs = await sql<{
        pipeline_id: string;
        scheduled_for: Date;
        n: number;
      }>(
        `SELECT pipeline_id, scheduled_for, count(*)::int AS n FROM pipeline_runs GROUP BY 1, 2`,
      );
      expect(runs).toHaveLength(500);
      expect(runs.every((run) => run.n === 1)).toBe(true);
      expect(new Set(runs.map((run) => run.pipeline_id))).toEqual(new Set(ids));
      // Coalesce (the default) dispatches the latest fire at or before the tick, the current minute.
      expect(new Set(runs.map((run) => run.scheduled_for.getTime())).size).toBe(
        1,
      );
      const [{ next }] = await sql<{ next: number }>(
        `SELECT count(DISTINCT next_fire_at)::int AS next FROM pipeline_state WHERE next_fire_at > now()`,
      );
      expect(next).toBe(1);
      await sql('DELETE FROM pipeline_runs');
    });

    it('dispatches nothing when a retry arrives after the first tick committed', async () => {
      const now = await dbNow();
      await insertPipelines(
        acme,
        20,
        { type: 'interval', every: 'PT5M', anchor: '2026-01-01T00:00:00Z' },
        {
          since: new Date(now.getTime() - 60 * MINUTE),
          nextFireAt: new Date(
            Math.floor(now.getTime() / (5 * MINUTE)) * 5 * MINUTE,
          ),
        },
      );
      const first = (await tickHttp()).json<TickResult>();
      const retry = (await tickHttp('GET')).json<TickResult>();
      expect(first).toMatchObject({ skipped: false, due: 20, dispatched: 20 });
      expect(retry).toMatchObject({ skipped: false, due: 0, dispatched: 0 });
      const [{ n }] = await sql<{ n: number }>(
        'SELECT count(*)::int AS n FROM pipeline_runs',
      );
      expect(n).toBe(20);
      await sql('DELETE FROM pipeline_runs');
    });

    it.each([
      ['an empty body', ''],
      ['an empty object', '{}'],
    ])(
      'accepts a POST with Content-Type: application/json and %s, as some cron callers send it',
      async (_case, payload) => {
        const response = await t.app.inject({
          method: 'POST',
          url: '/api/v1/cron/flow-scheduler-tick',
          headers: { ...cronAuth, 'content-type': 'application/json' },
          payload,
        });
        expect(response.statusCode).toBe(200);
        expect(response.json()).toMatchObject({ skipped: false });
      },
    );

    it('answers 200 {"skipped": true, "reason": "locked"} while another session holds the lock, and records the skip', async () => {
      const holder = new Client({ connectionString: t.db.url });
      await holder.connect();
      try {
        await holder.query('SELECT pg_advisory_lock($1)', [TICK_LOCK_KEY]);
        const response = await tickHttp();
        expect(response.statusCode).toBe(200);
        expect(response.json()).toEqual({ skipped: true, reason: 'locked' });
      } finally {
        await holder.end();
      }
      const [ledger] = await sql<{ outcome: string }>(
        `SELECT outcome FROM scheduler_ticks ORDER BY started_at DESC LIMIT 1`,
      );
      expect(ledger.outcome).toBe('skipped');
      expect((await tickHttp()).json()).toMatchObject({ skipped: false });
    });

    it('rolls back an error thrown mid-tick: no partial runs, next_fire_at untouched, the lock free, the failure recorded', async () => {
      const now = await dbNow();
      const fire = minuteFloor(now);
      const ids = await insertPipelines(
        acme,
        50,
        { type: 'cron', expression: '* * * * *' },
        { since: new Date(fire.getTime() - 5 * MINUTE), nextFireAt: fire },
      );
      await sql(`CREATE FUNCTION fail_one() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN IF NEW.pipeline_id = '${ids[30]}' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$`);
      await sql(
        `CREATE TRIGGER fail_one BEFORE INSERT ON pipeline_runs FOR EACH ROW EXECUTE FUNCTION fail_one()`,
      );
      try {
        const response = await tickHttp();
        expect(response.statusCode).toBe(500);
        expect(response.json()).toEqual({
          statusCode: 500,
          error: 'Internal Server Error',
          message: 'Internal server error',
        });
      } finally {
        await sql('DROP TRIGGER fail_one ON pipeline_runs');
        await sql('DROP FUNCTION fail_one()');
      }
      expect(await sql('SELECT 1 FROM pipeline_runs')).toHaveLength(0);
      const [{ unchanged }] = await sql<{ unchanged: number }>(
        `SELECT count(*)::int AS unchanged FROM pipeline_state WHERE next_fire_at = $1`,
        [fire],
      );
      expect(unchanged).toBe(50);
      const probe = new Client({ connectionString: t.db.url });
      await probe.connect();
      const [{ locked }] = (
        await probe.query('SELECT pg_try_advisory_lock($1) AS locked', [
          TICK_LOCK_KEY,
        ])
      ).rows;
      await probe.end();
      expect(locked).toBe(true);
      const [ledger] = await sql<{ outcome: string; error: string }>(
        `SELECT outcome, error FROM scheduler_ticks WHERE outcome = 'failed'`,
      );
      expect(ledger.error).toMatch(/injected failure/);
      expect((await tickHttp()).json()).toMatchObject({ dispatched: 50 });
      await sql('DELETE FROM pipeline_runs');
    });

    it('passes over a pipeline whose schedule cannot be evaluated, reports it, and dispatches the others', async () => {
      const now = await dbNow();
      const fire = minuteFloor(now);
      const [broken] = await insertPipelines(
        acme,
        1,
        { type: 'cron', expression: 'not a cron' },
        {
          since: new Date(fire.getTime() - MINUTE),
          nextFireAt: fire,
          prefix: 'broken',
        },
      );
      await insertPipelines(
        acme,
        3,
        { type: 'cron', expression: '* * * * *' },
        { since: new Date(fire.getTime() - MINUTE), nextFireAt: fire },
      );
      const result = (await tickHttp()).json<TickResult>();
      expect(result).toMatchObject({
        skipped: false,
        due: 4,
        dispatched: 3,
        failed: 1,
      });
      const [row] = await sql<{ schedule_error: string; next_fire_at: Date }>(
        `SELECT schedule_error, next_fire_at FROM pipeline_state WHERE pipeline_id = $1`,
        [broken],
      );
      expect(row.schedule_error).toMatch(/schedule cannot be evaluated/);
      const [ledger] = await sql<{ failures: { pipelineId: string }[] }>(
        `SELECT failures FROM scheduler_ticks WHERE failed = 1`,
      );
      expect(ledger.failures[0].pipelineId).toBe(broken);
      await sql('DELETE FROM pipeline_runs');
    });

    it('reports an rrule that never fires, or exhausts the evaluation budget, like any broken schedule, and dispatches the others', async () => {
      const now = await dbNow();
      const fire = minuteFloor(now);
      const fields = (prefix: string) => ({
        since: new Date(fire.getTime() - MINUTE),
        nextFireAt: fire,
        prefix,
      });
      // Stored before DESIGN §17's write-time check: the tick and the status page must stay bounded.
      const [never] = await insertPipelines(
        acme,
        1,
        {
          type: 'rrule',
          rrule:
            'DTSTART;TZID=Australia/Lord_Howe:20250415T124500\nRRULE:FREQ=HOURLY;INTERVAL=3;BYHOUR=1,13;BYMINUTE=30',
        },
        fields('never'),
      );
      const [endless] = await insertPipelines(
        acme,
        1,
        {
          type: 'rrule',
          rrule:
            'DTSTART:20250101T090000Z\nRRULE:FREQ=DAILY;BYWEEKNO=30;BYMONTH=1',
        },
        fields('endless'),
      );
      await insertPipelines(
        acme,
        3,
        { type: 'cron', expression: '* * * * *' },
        fields('fine'),
      );
      const result = (await tickHttp()).json<TickResult>();
      expect(result).toMatchObject({ due: 5, dispatched: 3, failed: 2 });
      const errors = new Map(
        (
          await sql<{ id: string; schedule_error: string }>(
            `SELECT pipeline_id AS id, schedule_error FROM pipeline_state WHERE pipeline_id = ANY($1)`,
            [[never, endless]],
          )
        ).map((row) => [row.id, row.schedule_error]),
      );
      expect(errors.get(never)).toMatch(
        /^schedule cannot be evaluated: schedule.rrule: never fires: INTERVAL=3 hours/,
      );
      expect(errors.get(endless)).toMatch(
        /^schedule cannot be evaluated: schedule.rrule: cannot be evaluated within the budget/,
      );
      const status = await t.app.inject({
        method: 'GET',
        url: '/api/v1/scheduler-status',
        headers: { authorization: `Bearer ${await t.tokenFor(acme)}` },
      });
      expect(status.statusCode).toBe(200);
      const rows = status.json<SchedulerStatusResponse>().pipelines;
      expect(rows.find((row) => row.id === never)?.error).toMatch(
        /never fires/,
      );
      expect(rows.find((row) => row.id === endless)?.error).toMatch(
        /cannot be evaluated within the budget/,
      );
      await sql('DELETE FROM pipeline_runs');
    });
  });

  describe('misfire and overlap after a simulated 3-hour outage', () => {
    // The clock is injected: the tick runs at T, three hours after the last dispatched fire. Nothing sleeps.
    const T = new Date('2027-03-01T12:00:00Z');
    const lastFireBeforeOutage = new Date(T.getTime() - 3 * 60 * MINUTE);
    const every15 = (extra: Record<string, unknown> = {}) => ({
      type: 'cron',
      expression: '*/15 * * * *',
      timezone: 'UTC',
      ...extra,
    });

    beforeEach(clearPipelines);

    async function tickAt(
      now: Date,
    ): Promise<Extract<TickResult, { skipped: false }>> {
      const result = await t.app.get(TickService).tick({ caller: 'test', now });
      if (result.skipped) throw new Error('tick unexpectedly skipped');
      return result;
    }

    const runsOf = async (id: string) =>
      (
        await sql<{ scheduled_for: Date }>(
          `SELECT scheduled_for FROM pipeline_runs WHERE pipeline_id = $1 AND trigger = 'schedule' ORDER BY scheduled_for`,
          [id],
        )
      ).map((r) => r.scheduled_for.toISOString());
    const nextFireOf = async (id: string) =>
      (
        await sql<{ next_fire_at: Date }>(
          `SELECT next_fire_at FROM pipeline_state WHERE pipeline_id = $1`,
          [id],
        )
      )[0].next_fire_at.toISOString();
    const previousFireOf = async (id: string) =>
      (
        await sql<{ previous_fire_at: Date | null }>(
          `SELECT previous_fire_at FROM pipeline_state WHERE pipeline_id = $1`,
          [id],
        )
      )[0].previous_fire_at?.toISOString();
    const since = new Date(lastFireBeforeOutage.getTime() - 60 * MINUTE);

    it('coalesce: runs only the latest missed fire and counts the 12 others as coalesced', async () => {
      const [id] = await insertPipelines(acme, 1, every15(), {
        since,
        nextFireAt: lastFireBeforeOutage,
      });
      const result = await tickAt(T);
      expect(result).toMatchObject({
        due: 1,
        dispatched: 1,
        coalesced: 12,
        skippedByPolicy: 0,
      });
      expect(await runsOf(id)).toEqual(['2027-03-01T12:00:00.000Z']);
      expect(await nextFireOf(id)).toBe('2027-03-01T12:15:00.000Z');
      // The state keeps the fire before the next one: what a status page expects to have run.
      expect(await previousFireOf(id)).toBe('2027-03-01T12:00:00.000Z');
    });

    it('skip: runs none of the missed fires when even the latest is more than 5 minutes late', async () => {
      const [id] = await insertPipelines(
        acme,
        1,
        every15({ misfire: 'skip' }),
        { since, nextFireAt: lastFireBeforeOutage },
      );
      const result = await tickAt(new Date(T.getTime() + 7 * MINUTE));
      expect(result).toMatchObject({
        dispatched: 0,
        coalesced: 0,
        skippedByPolicy: 13,
      });
      expect(await runsOf(id)).toEqual([]);
      expect(await nextFireOf(id)).toBe('2027-03-01T12:15:00.000Z');
      // A skipped fire was still expected: the previous fire is the latest one, run or not.
      expect(await previousFireOf(id)).toBe('2027-03-01T12:00:00.000Z');
    });

    it('skip: still runs the latest fire when it is on time', async () => {
      const [id] = await insertPipelines(
        acme,
        1,
        every15({ misfire: 'skip' }),
        { since, nextFireAt: lastFireBeforeOutage },
      );
      const result = await tickAt(new Date(T.getTime() + 30_000));
      expect(result).toMatchObject({ dispatched: 1, skippedByPolicy: 12 });
      expect(await runsOf(id)).toEqual(['2027-03-01T12:00:00.000Z']);
    });

    it('catchup: runs the most recent maxCatchup fires oldest first and skips the older ones', async () => {
      const [id] = await insertPipelines(
        acme,
        1,
        every15({ misfire: 'catchup', maxCatchup: 5, overlap: 'allow' }),
        { since, nextFireAt: lastFireBeforeOutage },
      );
      const result = await tickAt(T);
      expect(result).toMatchObject({
        dispatched: 5,
        coalesced: 0,
        skippedByPolicy: 8,
      });
      expect(await runsOf(id)).toEqual(
        ['11:00', '11:15', '11:30', '11:45', '12:00'].map(
          (hm) => `2027-03-01T${hm}:00.000Z`,
        ),
      );
      expect(await nextFireOf(id)).toBe('2027-03-01T12:15:00.000Z');
    });

    it('catchup without maxCatchup keeps at most 10', async () => {
      const [id] = await insertPipelines(
        acme,
        1,
        every15({ misfire: 'catchup' }),
        { since, nextFireAt: lastFireBeforeOutage },
      );
      expect(await tickAt(T)).toMatchObject({
        dispatched: 10,
        skippedByPolicy: 3,
      });
      expect((await runsOf(id))[0]).toBe('2027-03-01T09:45:00.000Z');
    });

    it('overlap skip: holds the fire back while a run is still queued or running, and still advances', async () => {
      const [busy] = await insertPipelines(acme, 1, every15(), {
        since,
        nextFireAt: lastFireBeforeOutage,
        prefix: 'busy',
      });
      const [free] = await insertPipelines(
        acme,
        1,
        every15({ overlap: 'allow' }),
        { since, nextFireAt: lastFireBeforeOutage, prefix: 'free' },
      );
      for (const id of [busy, free]) {
        await sql(
          `INSERT INTO pipeline_runs (tenant_id, pipeline_id, trigger, status, started_at) VALUES ($1, $2, 'manual', 'running', now())`,
          [acme.id, id],
        );
      }
      const result = await tickAt(T);
      expect(result).toMatchObject({
        due: 2,
        dispatched: 1,
        coalesced: 24,
        skippedByPolicy: 1,
      });
      expect(await runsOf(busy)).toEqual([]);
      expect(await runsOf(free)).toEqual(['2027-03-01T12:00:00.000Z']);
      expect(await nextFireOf(busy)).toBe('2027-03-01T12:15:00.000Z');
    });

    it('then ticks on time again: the next tick at 12:15 dispatches exactly the 12:15 fire', async () => {
      const [id] = await insertPipelines(acme, 1, every15(), {
        since,
        nextFireAt: lastFireBeforeOutage,
      });
      await tickAt(T);
      // The worker finishes the 12:00 run; with overlap=skip (the default) a still-queued run would hold 12:15 back.
      await sql(
        `UPDATE pipeline_runs SET status = 'succeeded' WHERE pipeline_id = $1`,
        [id],
      );
      await tickAt(new Date(T.getTime() + 5 * MINUTE));
      await tickAt(new Date(T.getTime() + 15 * MINUTE + 20_000));
      expect(await runsOf(id)).toEqual([
        '2027-03-01T12:00:00.000Z',
        '2027-03-01T12:15:00.000Z',
      ]);
    });
  });

  describe('GET /scheduler-status', () => {
    let rows: Map<string, SchedulerStatusRow>;
    let response: SchedulerStatusResponse;
    let base: Date;

    beforeAll(async () => {
      await clearPipelines();
      // Every expected fire is placed relative to the database clock, truncated to the minute.
      const now = await dbNow();
      base = minuteFloor(now);
      const expected = new Date(base.getTime() - 30 * MINUTE);
      const hourlyAnchoredAtExpected = {
        type: 'interval',
        every: 'PT1H',
        anchor: expected.toISOString(),
      };
      const since = new Date(base.getTime() - 3 * 60 * MINUTE);
      const add = (
        prefix: string,
        schedule: Record<string, unknown>,
        fields: Partial<{
          since: Date;
          paused: boolean;
          lastRunAt: Date | null;
        }> = {},
      ) =>
        insertPipelines(acme, 1, schedule, {
          since: fields.since ?? since,
          nextFireAt: new Date(expected.getTime() + 60 * MINUTE),
          paused: fields.paused,
          lastRunAt: fields.lastRunAt,
          prefix,
        });
      await add('on-time', hourlyAnchoredAtExpected, {
        lastRunAt: new Date(expected.getTime() + MINUTE + 10_000),
      });
      await add('late', hourlyAnchoredAtExpected, {
        lastRunAt: new Date(expected.getTime() + 12 * MINUTE),
      });
      await add('overdue', hourlyAnchoredAtExpected, {
        lastRunAt: new Date(expected.getTime() - 50 * MINUTE),
      });
      await add('never-run', hourlyAnchoredAtExpected);
      await add(
        'not-yet-due',
        { type: 'interval', every: 'PT1H' },
        { since: new Date(now.getTime() - MINUTE) },
      );
      await add('paused', hourlyAnchoredAtExpected, { paused: true });
      const dtstart = new Date(expected.getTime() - 3 * 24 * 60 * MINUTE)
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '');
      await add(
        'rrule-daily',
        { type: 'rrule', rrule: `DTSTART:${dtstart}\nRRULE:FREQ=DAILY` },
        { lastRunAt: new Date(expected.getTime() + 2 * MINUTE) },
      );
      await add(
        'cron-minutely',
        { type: 'cron', expression: '* * * * *', timezone: 'UTC' },
        { lastRunAt: base },
      );
      await insertPipelines(other, 1, hourlyAnchoredAtExpected, {
        since,
        nextFireAt: null,
        prefix: 'other-tenant',
      });
      await sql(
        `INSERT INTO pipelines (tenant_id, name, ir) VALUES ($1, 'unscheduled', '{"version":1,"nodes":[]}')`,
        [acme.id],
      );
      // Status reads a tenant's version at most once per STATUS_VERSION_TTL_MS: the test above read acme's status
      // moments ago, before these rows existed.
      await new Promise((resolve) =>
        setTimeout(resolve, STATUS_VERSION_TTL_MS + 50),
      );
      const http = await t.app.inject({
        method: 'GET',
        url: '/api/v1/scheduler-status',
        headers: { authorization: `Bearer ${await t.tokenFor(acme)}` },
      });
      expect(http.statusCode).toBe(200);
      response = http.json<SchedulerStatusResponse>();
      rows = new Map(
        response.pipelines.map((row) => [row.name.replace(/-1$/, ''), row]),
      );
    });

    it('lists exactly the tenant’s scheduled pipelines, in name order', () => {
      expect(response.pipelines.map((row) => row.name)).toEqual(
        [
          'cron-minutely',
          'late',
          'never-run',
          'not-yet-due',
          'on-time',
          'overdue',
          'paused',
          'rrule-daily',
        ].map((name) => `${name}-1`),
      );
      expect(response.lagThresholdMinutes).toBe(5);
    });

    it.each([
      ['on-time', 1, 'green'],
      ['late', 12, 'amber'],
      ['overdue', 30, 'amber'],
      ['never-run', 30, 'amber'],
      ['rrule-daily', 2, 'green'],
      ['cron-minutely', 0, 'green'],
    ])('%s: lag %i min, %s', (name, lagMinutes, lagLevel) => {
      expect(rows.get(name)).toMatchObject({ lagMinutes, lagLevel });
    });

    it('shows no lag for a paused pipeline or one whose first fire is still ahead', () => {
      expect(rows.get('paused')).toMatchObject({
        lagMinutes: null,
        lagLevel: 'none',
        paused: true,
      });
      expect(rows.get('not-yet-due')).toMatchObject({
        expectedAt: null,
        lagMinutes: null,
        lagLevel: 'none',
      });
    });

    it('gives the expected fire and the next five fires from the schedule engine', () => {
      const row = rows.get('on-time') as SchedulerStatusRow;
      const expected = base.getTime() - 30 * MINUTE;
      expect(row.expectedAt).toBe(new Date(expected).toISOString());
      expect(row.nextFires).toEqual(
        [1, 2, 3, 4, 5].map((k) =>
          new Date(expected + k * 60 * MINUTE).toISOString(),
        ),
      );
      expect(row.schedule).toMatchObject({ type: 'interval', timezone: 'UTC' });
      expect(row.schedule.description).toMatch(/hour/);
      expect(rows.get('rrule-daily')?.schedule.type).toBe('rrule');
      expect(rows.get('cron-minutely')?.nextFires).toHaveLength(5);
    });

    it('never shows another tenant’s pipelines', async () => {
      const http = await t.app.inject({
        method: 'GET',
        url: '/api/v1/scheduler-status',
        headers: { authorization: `Bearer ${await t.tokenFor(other)}` },
      });
      expect(
        http.json<SchedulerStatusResponse>().pipelines.map((row) => row.name),
      ).toEqual(['other-tenant-1']);
    });

    it('requires a tenant token', async () => {
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/v1/scheduler-status' }))
          .statusCode,
      ).toBe(401);
      expect(
        (
          await t.app.inject({
            method: 'GET',
            url: '/api/v1/scheduler-status',
            headers: cronAuth,
          })
        ).statusCode,
      ).toBe(401);
    });
  });

  describe('tick authentication', () => {
    it.each([
      ['no header', {}],
      [
        'a wrong secret',
        { authorization: 'Bearer wrong-secret-of-some-length' },
      ],
      ['the secret without Bearer', { authorization: TEST_CRON_SECRET }],
    ])('answers 401 for %s', async (_case, headers) => {
      expect(
        (await tickHttp('POST', headers as Record<string, string>)).statusCode,
      ).toBe(401);
      expect(
        (await tickHttp('GET', headers as Record<string, string>)).statusCode,
      ).toBe(401);
    });

    it('answers 401 for a valid tenant JWT', async () => {
      const response = await tickHttp('POST', {
        authorization: `Bearer ${await t.tokenFor(acme)}`,
      });
      expect(response.statusCode).toBe(401);
    });
  });
});
