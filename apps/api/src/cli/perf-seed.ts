import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { queryRows } from '@flow/api/db';
import { RunsService, WorkerService } from '@flow/api/runs';
import { TenantsService, type TenantContext } from '@flow/api/tenancy';
import type { PipelineIr, RunStatus, Schedule } from '@flow/contracts';
import { validateIr } from '@flow/pipeline-ir';
import { getCompiledSchedule } from '@flow/schedule';

import { createSourceTables } from './source-tables';

/**
 * `seed perf`: the dataset of the k6 baseline, the CI load stage and the benchmarks (DESIGN §10, docs/performance.md).
 *
 * Per tenant `perf-01` … `perf-NN`:
 * - source tables `customers`, `orders`, `events` filled with `INSERT … SELECT generate_series` (`rows` rows in
 *   orders and events, rows/20 customers);
 * - `pipelines` pipelines over six IR templates that together use every node type and target mode, with filter
 *   thresholds varying per pipeline, writing `4 × 6` target tables (plus a few never-run staging targets, so lineage
 *   also shows tables that do not exist yet);
 * - schedules drawn from a small shared pool (cron in several zones, interval, rrule, misfire/overlap variants),
 *   weighted like real fleets (most pipelines share a handful of schedules); 10% paused, 5% unscheduled;
 * - the first writer of every target table is run by the real worker (compiled SQL, one transaction), so target
 *   tables exist with rows, dead letters exist, and lineage reads real tables;
 * - `history` scheduled runs per pipeline at the schedule's real last fires (mostly succeeded, some failed or
 *   skipped; some pipelines miss their latest fire, so the status page shows amber lag), and `last_run_at/status`.
 *
 * Pipelines are inserted set-based (one statement per tenant). Every IR passes `validateIr` (what the API applies on
 * write); `schedule_kind` and the state row's `schedule_since`, `next_fire_at` and `previous_fire_at` are computed with
 * `@flow/schedule` once per distinct schedule, as if the pipelines had been created (and ticked) since `schedule_since`
 * = 30 days ago, on the hour.
 * Idempotent per tenant: existing tables, rows, pipelines (by name) and runs are kept.
 */
export interface PerfSeedOptions {
  tenants: number;
  pipelines: number;
  /** Rows of `orders` and `events` (customers: rows / 20, at least 100). */
  rows: number;
  /** Scheduled runs of history per pipeline. */
  history: number;
  /** No paused and no unscheduled pipelines (the tick benchmark's "every pipeline due" dataset). */
  allScheduled: boolean;
  /** Run the first writer of each target table through the worker (creates the target tables). */
  runTargets: boolean;
  /** Tenant slug prefix (`perf` → `perf-01`). */
  prefix: string;
  log: (line: string) => void;
}

export const PERF_SEED_DEFAULTS: Omit<PerfSeedOptions, 'log'> = {
  tenants: 10,
  pipelines: 1000,
  rows: 100_000,
  history: 5,
  allScheduled: false,
  runTargets: true,
  prefix: 'perf',
};

const TENANT_ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Asia/Tokyo',
  'Europe/London',
];
const TARGETS_PER_TEMPLATE = 4;
const DAY_MS = 86_400_000;

export interface SeededTenant {
  id: string;
  slug: string;
  pipelines: number;
  created: number;
}

export async function seedPerf(
  app: INestApplicationContext,
  input: Partial<PerfSeedOptions> = {},
): Promise<SeededTenant[]> {
  const options: PerfSeedOptions = {
    ...PERF_SEED_DEFAULTS,
    log: () => undefined,
    ...input,
  };
  const dataSource = app.get(DataSource);
  const tenants = app.get(TenantsService);
  const width = Math.max(2, String(options.tenants).length);
  const seeded: SeededTenant[] = [];
  const writers: { tenant: TenantContext; pipelineId: string }[] = [];
  const started = Date.now();
  for (let t = 1; t <= options.tenants; t++) {
    const slug = `${options.prefix}-${String(t).padStart(width, '0')}`;
    const { tenant } = await tenants.create({
      slug,
      name: `Perf tenant ${t}`,
      timezone: TENANT_ZONES[(t - 1) % TENANT_ZONES.length],
    });
    const t0 = Date.now();
    await createPerfSourceTables(dataSource, tenant.schema, options.rows);
    const t1 = Date.now();
    const { created, total } = await insertPipelines(
      dataSource,
      tenant,
      options,
    );
    const t2 = Date.now();
    const history =
      options.history > 0
        ? await insertHistory(dataSource, tenant, options)
        : 0;
    if (options.runTargets)
      writers.push(...(await missingTargetWriters(dataSource, tenant)));
    options.log(
      `seed perf: ${slug}: tables ${t1 - t0} ms, ${created} new of ${total} pipelines ${t2 - t1} ms, ${history} history runs ${Date.now() - t2} ms`,
    );
    seeded.push({
      id: tenant.id,
      slug: tenant.slug,
      pipelines: total,
      created,
    });
  }
  if (writers.length > 0) {
    const t0 = Date.now();
    const runs = app.get(RunsService);
    for (const { tenant, pipelineId } of writers)
      await runs.trigger(tenant, pipelineId);
    const ran = await app.get(WorkerService).drain();
    const [{ failed }] = await queryRows<{ failed: number }>(
      dataSource,
      `SELECT count(*)::int AS failed FROM pipeline_runs WHERE trigger = 'manual' AND status = 'failed' AND pipeline_id = ANY($1::uuid[])`,
      [writers.map((w) => w.pipelineId)],
    );
    options.log(
      `seed perf: ran ${ran} target writer run(s) through the worker in ${Date.now() - t0} ms${failed ? `, ${failed} FAILED` : ''}`,
    );
    if (failed > 0)
      throw new Error(
        `seed perf: ${failed} target writer run(s) failed; see pipeline_runs.error`,
      );
  }
  options.log(`seed perf: done in ${Date.now() - started} ms`);
  return seeded;
}

// ---------------------------------------------------------------------------------------------------------------
// source tables

/** Sources of the perf dataset: `rows` orders and events, one customer per 20 orders (at least 100). */
function createPerfSourceTables(
  dataSource: DataSource,
  schema: string,
  rows: number,
): Promise<void> {
  return createSourceTables(dataSource, schema, {
    customers: Math.max(100, Math.floor(rows / 20)),
    orders: rows,
    events: rows,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// pipelines

interface PipelineSpec {
  name: string;
  ir: PipelineIr;
  paused: boolean;
  index: number;
}

/** The shared schedule pool with weights (of 100): a fleet's pipelines cluster on a few schedules. */
function schedulePool(): {
  label: string;
  weight: number;
  schedule: Schedule;
}[] {
  const cron = (
    expression: string,
    timezone?: string,
    extra: Partial<Schedule> = {},
  ) =>
    ({
      type: 'cron',
      expression,
      ...(timezone ? { timezone } : {}),
      ...extra,
    }) as Schedule;
  const interval = (every: string, extra: Partial<Schedule> = {}) =>
    ({ type: 'interval', every, ...extra }) as Schedule;
  const rrule = (text: string) => ({ type: 'rrule', rrule: text }) as Schedule;
  return [
    { label: 'hourly', weight: 20, schedule: cron('0 * * * *') },
    { label: 'every-15min', weight: 14, schedule: cron('*/15 * * * *') },
    {
      label: 'nightly-berlin',
      weight: 12,
      schedule: cron('30 2 * * *', 'Europe/Berlin'),
    },
    { label: 'every-5min', weight: 9, schedule: cron('*/5 * * * *') },
    { label: 'at-hourly', weight: 8, schedule: cron('@hourly') },
    {
      label: 'interval-15m',
      weight: 7,
      schedule: interval('PT15M', { anchor: '2026-01-01T00:00:00Z' }),
    },
    {
      label: 'ny-close',
      weight: 5,
      schedule: cron('0 17 * * 1-5', 'America/New_York'),
    },
    {
      label: 'tokyo-morning',
      weight: 4,
      schedule: cron('0 9 * * *', 'Asia/Tokyo'),
    },
    { label: 'every-minute', weight: 3, schedule: cron('* * * * *') },
    { label: 'interval-1h', weight: 3, schedule: interval('PT1H') },
    {
      label: 'business-hours-london',
      weight: 3,
      schedule: cron('0,30 9-17 * * 1-5', 'Europe/London'),
    },
    {
      label: 'rrule-mon-thu',
      weight: 3,
      schedule: rrule(
        'DTSTART;TZID=Europe/Berlin:20260105T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO,TH',
      ),
    },
    {
      label: 'rrule-month-end',
      weight: 2,
      schedule: rrule(
        'DTSTART;TZID=Europe/Berlin:20260131T230000\nRRULE:FREQ=MONTHLY;BYMONTHDAY=-1',
      ),
    },
    {
      label: 'catchup-3min',
      weight: 2,
      schedule: interval('PT3M', { misfire: 'catchup', maxCatchup: 5 }),
    },
    {
      label: 'skip-2min',
      weight: 2,
      schedule: cron('*/2 * * * *', undefined, { misfire: 'skip' }),
    },
    {
      label: 'lord-howe-15',
      weight: 2,
      schedule: cron('15 * * * *', 'Australia/Lord_Howe'),
    },
    {
      label: 'overlap-allow-10min',
      weight: 1,
      schedule: cron('*/10 * * * *', undefined, { overlap: 'allow' }),
    },
  ];
}

type Template = (
  target: string,
  n: number,
  schedule: Schedule | null,
) => PipelineIr;

/** Six IR shapes; together they use every node type, every target mode and every validate check. */
const TEMPLATES: { name: string; target: string; build: Template }[] = [
  {
    name: 'paid-orders',
    target: 'paid_orders',
    build: (target, n, schedule) => ({
      version: 1,
      schedule,
      nodes: [
        {
          id: 'orders',
          type: 'source',
          table: 'orders',
          columns: [
            'id',
            'customer_id',
            'amount',
            'currency',
            'status',
            'created_at',
          ],
        },
        {
          id: 'paid',
          type: 'filter',
          input: 'orders',
          where: [
            { column: 'status', op: '=', value: 'paid' },
            { column: 'amount', op: '>=', value: n % 50 },
          ],
        },
        {
          id: 'checked',
          type: 'validate',
          input: 'paid',
          rules: [
            { column: 'amount', check: 'not_null' },
            { column: 'amount', check: 'range', min: 0 },
          ],
          onFail: 'dlq',
        },
        {
          id: 'out',
          type: 'target',
          input: 'checked',
          table: target,
          mode: 'merge',
          key: ['id'],
        },
      ],
    }),
  },
  {
    name: 'revenue-by-currency',
    target: 'revenue_by_currency',
    build: (target, n, schedule) => ({
      version: 1,
      schedule,
      nodes: [
        { id: 'orders', type: 'source', table: 'orders' },
        {
          id: 'paid',
          type: 'filter',
          input: 'orders',
          where: [
            {
              column: 'status',
              op: 'in',
              value: n % 2 ? ['paid', 'refunded'] : ['paid'],
            },
          ],
        },
        {
          id: 'totals',
          type: 'aggregate',
          input: 'paid',
          groupBy: ['currency', 'status'],
          aggregations: [
            { fn: 'sum', column: 'amount', as: 'revenue' },
            { fn: 'count', as: 'orders' },
            { fn: 'avg', column: 'amount', as: 'avg_amount' },
          ],
        },
        {
          id: 'out',
          type: 'target',
          input: 'totals',
          table: target,
          mode: 'replace',
        },
      ],
    }),
  },
  {
    name: 'customer-revenue',
    target: 'customer_revenue',
    build: (target, n, schedule) => ({
      version: 1,
      schedule,
      nodes: [
        {
          id: 'orders',
          type: 'source',
          table: 'orders',
          columns: ['id', 'customer_id', 'amount', 'status'],
        },
        {
          id: 'customers',
          type: 'source',
          table: 'customers',
          columns: ['id', 'country', 'segment'],
        },
        {
          id: 'slim',
          type: 'select',
          input: 'customers',
          columns: [
            { column: 'id', as: 'customer_ref' },
            { column: 'country' },
            { column: 'segment', fn: 'upper' },
          ],
        },
        {
          id: 'joined',
          type: 'join',
          left: 'orders',
          right: 'slim',
          kind: n % 3 === 0 ? 'left' : 'inner',
          on: [{ left: 'customer_id', right: 'customer_ref' }],
        },
        {
          id: 'by_country',
          type: 'aggregate',
          input: 'joined',
          groupBy: ['country', 'segment'],
          aggregations: [
            { fn: 'sum', column: 'amount', as: 'revenue' },
            { fn: 'count_distinct', column: 'customer_id', as: 'customers' },
            { fn: 'max', column: 'amount', as: 'largest' },
          ],
        },
        {
          id: 'out',
          type: 'target',
          input: 'by_country',
          table: target,
          mode: 'replace',
        },
      ],
    }),
  },
  {
    name: 'page-views',
    target: 'page_views',
    build: (target, n, schedule) => ({
      version: 1,
      schedule,
      nodes: [
        { id: 'events', type: 'source', table: 'events' },
        {
          id: 'views',
          type: 'filter',
          input: 'events',
          where: [
            { column: 'kind', op: n % 2 ? '=' : '!=', value: 'page_view' },
          ],
        },
        {
          id: 'pages',
          type: 'aggregate',
          input: 'views',
          groupBy: ['page'],
          aggregations: [
            { fn: 'count', as: 'views' },
            { fn: 'min', column: 'occurred_at', as: 'first_seen' },
            { fn: 'max', column: 'occurred_at', as: 'last_seen' },
          ],
        },
        {
          id: 'out',
          type: 'target',
          input: 'pages',
          table: target,
          mode: 'merge',
          key: ['page'],
        },
      ],
    }),
  },
  {
    name: 'contactable-customers',
    target: 'contactable_customers',
    build: (target, n, schedule) => ({
      version: 1,
      schedule,
      nodes: [
        {
          id: 'customers',
          type: 'source',
          table: 'customers',
          columns: ['id', 'name', 'email', 'country', 'segment'],
        },
        {
          id: 'valid',
          type: 'validate',
          input: 'customers',
          rules: [
            { column: 'email', check: 'not_null' },
            { column: 'email', check: 'regex', pattern: '^[^@]+@[^@]+$' },
            { column: 'id', check: 'unique' },
            {
              column: 'segment',
              check: 'accepted_values',
              values:
                n % 2
                  ? ['enterprise', 'smb', 'consumer']
                  : ['enterprise', 'smb'],
            },
          ],
          onFail: 'dlq',
        },
        {
          id: 'out',
          type: 'target',
          input: 'valid',
          table: target,
          mode: 'merge',
          key: ['id'],
        },
      ],
    }),
  },
  {
    name: 'events-enriched',
    target: 'events_enriched',
    build: (target, n, schedule) => ({
      version: 1,
      schedule,
      nodes: [
        {
          id: 'events',
          type: 'source',
          table: 'events',
          columns: ['id', 'user_id', 'kind', 'page', 'occurred_at'],
        },
        {
          id: 'recent',
          type: 'filter',
          input: 'events',
          where: [{ column: 'id', op: '>', value: n % 10 }],
        },
        {
          id: 'shaped',
          type: 'select',
          input: 'recent',
          columns: [
            { column: 'id', as: 'event_id' },
            { column: 'user_id' },
            { column: 'kind', fn: 'upper' },
            { column: 'page', fn: 'lower' },
            { column: 'occurred_at', as: 'day', fn: 'date' },
            { column: 'user_id', as: 'user_text', cast: 'text' },
          ],
        },
        {
          id: 'out',
          type: 'target',
          input: 'shaped',
          table: target,
          mode: n % 2 ? 'replace' : 'append',
        },
      ],
    }),
  },
];

export function perfPipelineSpecs(
  count: number,
  allScheduled: boolean,
): PipelineSpec[] {
  const pool = schedulePool();
  const total = pool.reduce((sum, s) => sum + s.weight, 0);
  const width = Math.max(4, String(count).length);
  const specs: PipelineSpec[] = [];
  for (let i = 0; i < count; i++) {
    const template = TEMPLATES[i % TEMPLATES.length];
    // Spread pipelines over the pool by weight, deterministically (a multiplicative hash of the index).
    const slot = ((i * 2654435761) >>> 0) % total;
    let acc = 0;
    const pick = pool.find((s) => (acc += s.weight) > slot) ?? pool[0];
    const unscheduled = !allScheduled && i % 20 === 7;
    const paused = !allScheduled && i % 10 === 3;
    // Every 50th pipeline is a new one that never ran: its staging target does not exist (lineage: exists=false).
    const neverRun = i % 50 === 49;
    const target = neverRun
      ? `staging_${template.target}_${i}`
      : `${template.target}_${Math.floor(i / TEMPLATES.length) % TARGETS_PER_TEMPLATE}`;
    const schedule = unscheduled ? null : pick.schedule;
    const ir = template.build(target, i, schedule);
    const label = unscheduled ? 'adhoc' : pick.label;
    specs.push({
      name: `${String(i + 1).padStart(width, '0')}-${template.name}-${label}`,
      ir,
      paused,
      index: i,
    });
  }
  return specs;
}

async function insertPipelines(
  dataSource: DataSource,
  tenant: TenantContext,
  options: PerfSeedOptions,
): Promise<{ created: number; total: number }> {
  const [{ now }] = await queryRows<{ now: Date }>(
    dataSource,
    `SELECT now() AS now`,
  );
  // As if created (and ticked ever since) 30 days ago, on the hour: all pipelines share it, so intervals without an
  // anchor share their fires too.
  const since = new Date(
    Math.floor(now.getTime() / 3_600_000) * 3_600_000 - 30 * DAY_MS,
  );
  // The schedule state as the tick would have left it: the first fire after now and the one before it.
  const fireState = new Map<
    string,
    { next: Date | null; previous: Date | null }
  >();
  const rows = perfPipelineSpecs(options.pipelines, options.allScheduled).map(
    (spec) => {
      const errors = validateIr(spec.ir, 'ir');
      if (errors.length > 0)
        throw new Error(
          `seed perf: invalid IR for ${spec.name}: ${JSON.stringify(errors)}`,
        );
      const schedule = spec.ir.schedule ?? null;
      let state: { next: Date | null; previous: Date | null } = {
        next: null,
        previous: null,
      };
      if (schedule && !spec.paused) {
        const key = JSON.stringify(schedule);
        let known = fireState.get(key);
        if (!known) {
          const compiled = getCompiledSchedule(schedule, {
            timezone: tenant.timezone,
            anchor: since,
          });
          const [first] = compiled.nextFireTimes(now, 1);
          const before = compiled.previousFireTime(now);
          known = {
            next: first ?? null,
            previous:
              before && before.getTime() > since.getTime() ? before : null,
          };
          fireState.set(key, known);
        }
        state = known;
      }
      return {
        name: spec.name,
        ir: spec.ir,
        paused: spec.paused,
        kind: schedule?.type ?? null,
        since: schedule ? since.toISOString() : null,
        next: state.next?.toISOString() ?? null,
        previous: state.previous?.toISOString() ?? null,
      };
    },
  );
  const inserted = await queryRows<{ id: string }>(
    dataSource,
    `WITH x AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb)
         AS x(name text, ir jsonb, paused boolean, kind text, since timestamptz, next timestamptz, previous timestamptz)
     ), p AS (
       INSERT INTO pipelines (tenant_id, name, ir, paused, schedule_kind, created_at, updated_at)
       SELECT $1, x.name, x.ir, x.paused, x.kind, $3, $3 FROM x
       ON CONFLICT (tenant_id, name) DO NOTHING
       RETURNING id, name
     )
     INSERT INTO pipeline_state (pipeline_id, tenant_id, schedule_since, next_fire_at, previous_fire_at)
     SELECT p.id, $1, x.since, x.next, x.previous FROM p JOIN x ON x.name = p.name
     RETURNING pipeline_id AS id`,
    [tenant.id, JSON.stringify(rows), since],
  );
  const [{ total }] = await queryRows<{ total: number }>(
    dataSource,
    `SELECT count(*)::int AS total FROM pipelines WHERE tenant_id = $1`,
    [tenant.id],
  );
  return { created: inserted.length, total };
}

// ---------------------------------------------------------------------------------------------------------------
// history

interface HistoryPipeline {
  id: string;
  name: string;
  schedule_json: string | null;
  schedule_since: Date | null;
}

/** `history` scheduled runs per pipeline at its schedule's last fires; last_run_at/status from the newest. */
async function insertHistory(
  dataSource: DataSource,
  tenant: TenantContext,
  options: PerfSeedOptions,
): Promise<number> {
  const [{ now }] = await queryRows<{ now: Date }>(
    dataSource,
    `SELECT now() AS now`,
  );
  const pipelines = await queryRows<HistoryPipeline>(
    dataSource,
    `SELECT p.id, p.name, (p.ir -> 'schedule')::text AS schedule_json, s.schedule_since
       FROM pipelines p
       JOIN pipeline_state s ON s.pipeline_id = p.id
      WHERE p.tenant_id = $1 AND p.schedule_kind IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM pipeline_runs r WHERE r.pipeline_id = p.id)`,
    [tenant.id],
  );
  const fireCache = new Map<string, Date[]>();
  const runs: {
    pipeline_id: string;
    scheduled_for: string;
    status: RunStatus;
    started_at: string | null;
    finished_at: string | null;
    rows_read: number | null;
    rows_written: number | null;
    error: string | null;
  }[] = [];
  for (const pipeline of pipelines) {
    if (!pipeline.schedule_json || !pipeline.schedule_since) continue;
    const key = `${pipeline.schedule_json}|${pipeline.schedule_since.getTime()}`;
    let fires = fireCache.get(key);
    if (!fires) {
      fires = lastFires(
        JSON.parse(pipeline.schedule_json) as Schedule,
        tenant.timezone,
        pipeline.schedule_since,
        now,
        options.history,
      );
      fireCache.set(key, fires);
    }
    const n = Number.parseInt(pipeline.name, 10) || 0;
    // Every 15th pipeline missed its latest fire (the scheduler or worker was behind): amber on the status page.
    const use = n % 15 === 4 ? fires.slice(1) : fires;
    use.forEach((fire, k) => {
      const roll = (n * 31 + k * 17) % 100;
      const status: RunStatus =
        roll < 8 ? 'failed' : roll < 11 ? 'skipped' : 'succeeded';
      const startedAt =
        status === 'skipped'
          ? null
          : new Date(fire.getTime() + 1_000 + ((n + k) % 20) * 500);
      const finishedAt = startedAt
        ? new Date(startedAt.getTime() + 200 + ((n * 7 + k) % 50) * 100)
        : null;
      runs.push({
        pipeline_id: pipeline.id,
        scheduled_for: fire.toISOString(),
        status,
        started_at: startedAt?.toISOString() ?? null,
        finished_at: finishedAt?.toISOString() ?? null,
        rows_read: status === 'succeeded' ? options.rows : null,
        rows_written:
          status === 'succeeded' ? Math.floor(options.rows / 3) : null,
        error:
          status === 'failed'
            ? 'canceling statement due to statement timeout'
            : null,
      });
    });
  }
  if (runs.length === 0) return 0;
  const inserted = await queryRows<{ id: string }>(
    dataSource,
    `INSERT INTO pipeline_runs (tenant_id, pipeline_id, trigger, scheduled_for, status, attempt, queued_at, available_at,
                                started_at, finished_at, heartbeat_at, worker_id, rows_read, rows_written, rows_rejected, error)
     SELECT $1, x.pipeline_id, 'schedule', x.scheduled_for, x.status, CASE WHEN x.status = 'skipped' THEN 0 ELSE 1 END,
            x.scheduled_for, x.scheduled_for, x.started_at, coalesce(x.finished_at, x.scheduled_for), x.finished_at,
            CASE WHEN x.started_at IS NULL THEN NULL ELSE 'perf-seed' END, x.rows_read, x.rows_written,
            CASE WHEN x.status = 'succeeded' THEN 0 END, x.error
       FROM jsonb_to_recordset($2::jsonb) AS x(pipeline_id uuid, scheduled_for timestamptz, status text, started_at timestamptz,
                                                finished_at timestamptz, rows_read bigint, rows_written bigint, error text)
     ON CONFLICT (pipeline_id, scheduled_for) DO NOTHING
     RETURNING id`,
    [tenant.id, JSON.stringify(runs)],
  );
  await dataSource.query(
    `UPDATE pipeline_state s SET last_run_at = r.started_at, last_run_status = r.status
       FROM (SELECT DISTINCT ON (pipeline_id) pipeline_id, started_at, status
               FROM pipeline_runs
              WHERE tenant_id = $1 AND started_at IS NOT NULL
              ORDER BY pipeline_id, started_at DESC) r
      WHERE s.pipeline_id = r.pipeline_id AND (s.last_run_at IS NULL OR s.last_run_at < r.started_at)`,
    [tenant.id],
  );
  return inserted.length;
}

/** The schedule's last `count` fires at or before `now` and after `since`, newest first. */
function lastFires(
  schedule: Schedule,
  timezone: string,
  since: Date,
  now: Date,
  count: number,
): Date[] {
  const compiled = getCompiledSchedule(schedule, { timezone, anchor: since });
  const fires: Date[] = [];
  let at = now;
  while (fires.length < count) {
    const previous = compiled.previousFireTime(at);
    if (!previous || previous.getTime() <= since.getTime()) break;
    fires.push(previous);
    at = new Date(previous.getTime() - 1);
  }
  return fires;
}

// ---------------------------------------------------------------------------------------------------------------
// target tables

/** For each target table that does not exist yet (staging targets excepted), the first pipeline writing it. */
async function missingTargetWriters(
  dataSource: DataSource,
  tenant: TenantContext,
): Promise<{ tenant: TenantContext; pipelineId: string }[]> {
  const rows = await queryRows<{ pipeline_id: string }>(
    dataSource,
    `SELECT DISTINCT ON (n.node->>'table') p.id AS pipeline_id
       FROM pipelines p
      CROSS JOIN LATERAL jsonb_array_elements(p.ir->'nodes') AS n(node)
      WHERE p.tenant_id = $1 AND n.node->>'type' = 'target' AND n.node->>'table' NOT LIKE 'staging\\_%'
        AND NOT EXISTS (SELECT 1 FROM pg_tables t WHERE t.schemaname = $2 AND t.tablename = n.node->>'table')
      ORDER BY n.node->>'table', p.name`,
    [tenant.id, tenant.schema],
  );
  return rows.map((row) => ({ tenant, pipelineId: row.pipeline_id }));
}
