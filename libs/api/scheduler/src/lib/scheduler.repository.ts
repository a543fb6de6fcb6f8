import { Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';

import { queryRows } from '@flow/api/db';
import type { LagLevel, RunStatus, SchedulerStatusSort } from '@flow/contracts';

import type { StatusCursor, StatusFilters } from './status-query';

/** `pg_try_advisory_lock(0x666c6f77)` — "flow" in ASCII: one tick at a time across every replica. */
export const TICK_LOCK_KEY = 0x666c6f77;

/** When the last tick that ran (skipped ticks excluded) started: the dead-man switch's input. */
const LAST_TICK_STARTED_AT = `(SELECT max(started_at) FROM scheduler_ticks WHERE outcome = 'dispatched')`;

export interface DuePipelineRow {
  id: string;
  tenant_id: string;
  /** `ir->'schedule'` as jsonb text: canonical (jsonb orders keys), so equal text means an equal schedule. */
  schedule_json: string;
  schedule_since: Date;
  next_fire_at: Date;
  timezone: string;
}

export interface FireToDispatch {
  pipelineId: string;
  tenantId: string;
  scheduledFor: Date;
  /** Overlap policy `skip`: dispatch only when the pipeline has no queued or running run. */
  skipIfActive: boolean;
}

export interface PipelineAdvance {
  pipelineId: string;
  nextFireAt: Date | null;
  /** The latest fire at or before the tick: the one before `nextFireAt`. */
  previousFireAt: Date;
}

export interface StatusRow {
  id: string;
  name: string;
  schedule_json: string;
  paused: boolean;
  schedule_since: Date;
  schedule_error: string | null;
  last_run_at: Date | null;
  last_run_status: RunStatus | null;
}

/**
 * The scheduler's queries: due pipelines, set-based dispatch, the tick ledger, and the status rows. The schedule's
 * state lives in the narrow `pipeline_state` table: the tick reads `pipelines` (IR, paused) but writes only state.
 */
@Injectable()
export class SchedulerRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A connection of the tick's own: the session-level advisory lock and the transaction live on it. */
  async openTickConnection(): Promise<QueryRunner> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    return runner;
  }

  async tryLock(runner: QueryRunner): Promise<boolean> {
    const [{ locked }] = await queryRows<{ locked: boolean }>(
      runner.manager,
      'SELECT pg_try_advisory_lock($1) AS locked',
      [TICK_LOCK_KEY],
    );
    return locked;
  }

  async unlock(runner: QueryRunner): Promise<void> {
    await queryRows(runner.manager, 'SELECT pg_advisory_unlock($1)', [
      TICK_LOCK_KEY,
    ]);
  }

  async transactionNow(runner: QueryRunner): Promise<Date> {
    const [{ now }] = await queryRows<{ now: Date }>(
      runner.manager,
      'SELECT now() AS now',
    );
    return now;
  }

  async insertTick(
    runner: QueryRunner,
    caller: string,
    startedAt: Date,
  ): Promise<string> {
    const [{ id }] = await queryRows<{ id: string }>(
      runner.manager,
      `INSERT INTO scheduler_ticks (started_at, caller, outcome) VALUES ($1, $2, 'dispatched') RETURNING id`,
      [startedAt, caller],
    );
    return id;
  }

  /** Ledger row for a tick that did not run (lock held) or failed (written after the rollback). */
  async recordTick(
    caller: string,
    outcome: 'skipped' | 'failed',
    error: string | null,
    durationMs: number,
  ): Promise<string> {
    const [{ id }] = await queryRows<{ id: string }>(
      this.dataSource,
      `INSERT INTO scheduler_ticks (started_at, finished_at, caller, outcome, error, duration_ms)
       VALUES (now() - make_interval(secs => $4::double precision / 1000), now(), $1, $2, $3, $4) RETURNING id`,
      [caller, outcome, error, durationMs],
    );
    return id;
  }

  async finishTick(
    runner: QueryRunner,
    tickId: string,
    counts: {
      due: number;
      dispatched: number;
      coalesced: number;
      skippedByPolicy: number;
      failed: number;
      durationMs: number;
    },
    failures: { pipelineId: string; error: string }[],
  ): Promise<void> {
    await queryRows(
      runner.manager,
      `UPDATE scheduler_ticks
          SET finished_at = clock_timestamp(), due = $2, dispatched = $3, coalesced = $4, skipped_by_policy = $5,
              failed = $6, duration_ms = $7, failures = $8
        WHERE id = $1`,
      [
        tickId,
        counts.due,
        counts.dispatched,
        counts.coalesced,
        counts.skippedByPolicy,
        counts.failed,
        counts.durationMs,
        failures.length > 0 ? JSON.stringify(failures) : null,
      ],
    );
  }

  /** A batch of due, unpaused pipelines in fire order, after the keyset position `(afterFireAt, afterId)`. */
  async dueBatch(
    runner: QueryRunner,
    now: Date,
    limit: number,
    after: { fireAt: Date; id: string } | null,
  ): Promise<DuePipelineRow[]> {
    return queryRows<DuePipelineRow>(
      runner.manager,
      `SELECT s.pipeline_id AS id, s.tenant_id, (p.ir -> 'schedule')::text AS schedule_json, s.schedule_since, s.next_fire_at,
              t.timezone
         FROM pipeline_state s
         JOIN pipelines p ON p.id = s.pipeline_id
         JOIN tenants t ON t.id = s.tenant_id
        WHERE s.next_fire_at IS NOT NULL
          AND s.next_fire_at <= $1
          AND ($3::timestamptz IS NULL OR (s.next_fire_at, s.pipeline_id) > ($3, $4::uuid))
          AND NOT p.paused
        ORDER BY s.next_fire_at, s.pipeline_id
        LIMIT $2`,
      [now, limit, after?.fireAt ?? null, after?.id ?? null],
    );
  }

  /**
   * One statement per batch: insert the runs (a fire already dispatched is a no-op thanks to
   * UNIQUE(pipeline_id, scheduled_for)), honour overlap=skip, and advance the state's `next_fire_at` (and
   * `previous_fire_at` with it; `changed_at` is left alone: the tick ledger dates these writes). Returns how many runs
   * were inserted and how many fires the overlap policy held back.
   */
  async dispatch(
    runner: QueryRunner,
    tickId: string,
    now: Date,
    fires: FireToDispatch[],
    advances: PipelineAdvance[],
  ): Promise<{ dispatched: number; heldBack: number; lagSeconds: number[] }> {
    const [row] = await queryRows<{
      dispatched: number;
      held_back: number;
      lag_seconds: number[] | null;
    }>(
      runner.manager,
      `WITH fires AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::boolean[]) AS f(pipeline_id, tenant_id, scheduled_for, skip_if_active)
       ), eligible AS (
         SELECT f.* FROM fires f
          WHERE NOT f.skip_if_active
             OR NOT EXISTS (SELECT 1 FROM pipeline_runs r WHERE r.pipeline_id = f.pipeline_id AND r.status IN ('queued', 'running'))
       ), inserted AS (
         INSERT INTO pipeline_runs (tenant_id, pipeline_id, trigger, scheduled_for, tick_id)
         SELECT tenant_id, pipeline_id, 'schedule', scheduled_for, $5 FROM eligible
         ON CONFLICT (pipeline_id, scheduled_for) DO NOTHING
         RETURNING scheduled_for
       ), advanced AS (
         UPDATE pipeline_state s
            SET next_fire_at = a.next_fire_at, previous_fire_at = a.previous_fire_at, schedule_error = NULL
           FROM unnest($6::uuid[], $7::timestamptz[], $9::timestamptz[]) AS a(id, next_fire_at, previous_fire_at)
          WHERE s.pipeline_id = a.id
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM inserted)::int AS dispatched,
              ((SELECT count(*) FROM fires) - (SELECT count(*) FROM eligible))::int AS held_back,
              (SELECT count(*) FROM advanced)::int AS advanced,
              -- Dispatch lag (tick time − fire) of each inserted run, for the metrics histogram.
              (SELECT array_agg(extract(epoch FROM $8::timestamptz - scheduled_for)::float8) FROM inserted) AS lag_seconds`,
      [
        fires.map((f) => f.pipelineId),
        fires.map((f) => f.tenantId),
        fires.map((f) => f.scheduledFor),
        fires.map((f) => f.skipIfActive),
        tickId,
        advances.map((a) => a.pipelineId),
        advances.map((a) => a.nextFireAt),
        now,
        advances.map((a) => a.previousFireAt),
      ],
    );
    return {
      dispatched: row.dispatched,
      heldBack: row.held_back,
      lagSeconds: row.lag_seconds ?? [],
    };
  }

  /** Pipelines whose schedule could not be evaluated keep their `next_fire_at` and show the reason. */
  async markScheduleErrors(
    runner: QueryRunner,
    failures: { pipelineId: string; error: string }[],
  ): Promise<void> {
    if (failures.length === 0) return;
    await queryRows(
      runner.manager,
      `UPDATE pipeline_state s SET schedule_error = f.error
         FROM unnest($1::uuid[], $2::text[]) AS f(id, error)
        WHERE s.pipeline_id = f.id`,
      [failures.map((f) => f.pipelineId), failures.map((f) => f.error)],
    );
  }

  /** When the last tick that ran (not skipped) started, by the database clock, and that clock. */
  async lastTick(): Promise<{ now: Date; lastTickAt: Date | null }> {
    const [row] = await queryRows<{ now: Date; last_tick_at: Date | null }>(
      this.dataSource,
      `SELECT now() AS now, ${LAST_TICK_STARTED_AT} AS last_tick_at`,
    );
    return { now: row.now, lastTickAt: row.last_tick_at };
  }

  /** Runs waiting for a worker. */
  async queueDepth(): Promise<number> {
    const [row] = await queryRows<{ depth: number }>(
      this.dataSource,
      `SELECT count(*)::int AS depth FROM pipeline_runs WHERE status = 'queued'`,
    );
    return row.depth;
  }

  /**
   * Every scheduled pipeline of a tenant, one query (the status page), with the database clock. Timestamps travel as
   * epoch milliseconds (float8) rather than timestamptz text: node-postgres parses each timestamptz with a regex
   * (~1.2 µs), and a 1,000-pipeline page carries 4,000 of them (docs/performance.md); `new Date(ms)` is ~10× cheaper.
   * Exact to the millisecond, like the text parser (`floor` of the exact numeric epoch).
   */
  async statusRows(
    tenantId: string,
  ): Promise<{ now: Date; lastTickAt: Date | null; rows: StatusRow[] }> {
    const raw = await queryRows<StatusRowMs>(
      this.dataSource,
      `SELECT p.id, p.name, (p.ir -> 'schedule')::text AS schedule_json, p.paused, ${epochMs('s.schedule_since')} AS schedule_since_ms,
              s.schedule_error, ${epochMs('s.last_run_at')} AS last_run_at_ms, s.last_run_status, ${epochMs('now()')} AS now_ms,
              ${epochMs(LAST_TICK_STARTED_AT)} AS last_tick_at_ms
         FROM pipelines p
         JOIN pipeline_state s ON s.pipeline_id = p.id
        WHERE p.tenant_id = $1 AND p.schedule_kind IS NOT NULL
        ORDER BY p.name`,
      [tenantId],
    );
    if (raw.length > 0) {
      const rows = raw.map(
        (row): StatusRow => ({
          id: row.id,
          name: row.name,
          schedule_json: row.schedule_json,
          paused: row.paused,
          schedule_since: toDate(row.schedule_since_ms) as Date,
          schedule_error: row.schedule_error,
          last_run_at: toDate(row.last_run_at_ms),
          last_run_status: row.last_run_status,
        }),
      );
      return {
        now: new Date(raw[0].now_ms),
        lastTickAt: toDate(raw[0].last_tick_at_ms),
        rows,
      };
    }
    return { ...(await this.lastTick()), rows: [] };
  }

  /**
   * What a status response depends on besides the clock's minute, in one cheap read: the database clock, the last
   * tick, and a fingerprint of the tenant's scheduled pipelines (how many; the sums of their edit and state-change
   * instants, which every edit, pause, delete and run moves). The tick's own writes are covered by the last tick.
   */
  async statusVersion(tenantId: string): Promise<{
    nowMs: number;
    lastTickAtMs: number | null;
    fingerprint: string;
  }> {
    const [row] = await queryRows<{
      now_ms: number;
      last_tick_at_ms: number | null;
      fingerprint: string;
    }>(
      this.dataSource,
      `SELECT ${epochMs('now()')} AS now_ms, ${epochMs(LAST_TICK_STARTED_AT)} AS last_tick_at_ms,
              (SELECT count(*) || ':' || coalesce(sum(floor(extract(epoch FROM p.updated_at) * 1e6)), 0)
                      || ':' || coalesce(sum(floor(extract(epoch FROM s.changed_at) * 1e6)), 0)
                 FROM pipelines p
                 JOIN pipeline_state s ON s.pipeline_id = p.id
                WHERE p.tenant_id = $1 AND p.schedule_kind IS NOT NULL) AS fingerprint`,
      [tenantId],
    );
    return {
      nowMs: row.now_ms,
      lastTickAtMs: row.last_tick_at_ms,
      fingerprint: row.fingerprint,
    };
  }

  /**
   * The tenant's distinct schedules, each with the distinct instants its pipelines' schedules began at (a schedule
   * without its own anchor fires relative to that instant). A fleet shares few schedules: this is what the status
   * evaluates with the engine, once per distinct fire sequence.
   */
  async statusSchedules(
    tenantId: string,
  ): Promise<{ schedule_json: string; since_ms: number[] }[]> {
    return queryRows(
      this.dataSource,
      `SELECT (p.ir -> 'schedule')::text AS schedule_json,
              array_agg(DISTINCT ${epochMs('s.schedule_since')}) AS since_ms
         FROM pipelines p
         JOIN pipeline_state s ON s.pipeline_id = p.id
        WHERE p.tenant_id = $1 AND p.schedule_kind IS NOT NULL
        GROUP BY 1`,
      [tenantId],
    );
  }

  /**
   * The status rows, their lag, the counts, filters, order and page — all in SQL, from the engine's evaluation of
   * each distinct schedule (`views`, joined by schedule text, and by start instant where the schedule depends on it).
   * Lag follows DESIGN §8 exactly as `lag()` in `@flow/schedule`; without `page` every row comes back in name order.
   */
  async statusPage(
    tenantId: string,
    input: StatusPageInput,
  ): Promise<{ counts: StatusCountsRow; rows: StatusPageRow[] }> {
    const params: unknown[] = [
      tenantId,
      input.views.map((v) => v.previousMs),
      input.views.map((v) => v.nextMs),
      input.views.map((v) => v.description),
      input.views.map((v) => v.failed),
      input.scheduleViews.map((s) => s.scheduleJson),
      input.scheduleViews.map((s) => s.sinceMs),
      input.scheduleViews.map((s) => s.view),
      input.nowMs,
      input.lagThresholdMinutes,
    ];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const page = input.page;
    const filters: string[] = [];
    let after = '';
    let sortKey = 'name';
    let order = 'sort_key, id';
    let outerOrder = 'p.sort_key, p.id';
    let limit = '';
    if (page) {
      const f = page.filters;
      if (f.q !== null) {
        const q = param(f.q.toLowerCase());
        filters.push(
          `(strpos(lower(name), ${q}) > 0 OR strpos(lower(description), ${q}) > 0 OR strpos(lower(schedule_json), ${q}) > 0)`,
        );
      }
      if (f.lagLevel !== null) filters.push(`lag_level = ${param(f.lagLevel)}`);
      if (f.paused !== null) filters.push(`paused = ${param(f.paused)}`);
      if (f.lastRunStatus === 'none') filters.push('last_run_status IS NULL');
      else if (f.lastRunStatus !== null)
        filters.push(`last_run_status = ${param(f.lastRunStatus)}`);
      const desc = page.order === 'desc';
      sortKey = sortKeySql(page.sort, desc);
      if (page.cursor) {
        const cast = typeof page.cursor.value === 'number' ? 'float8' : 'text';
        after = `(${sortKey}, id) ${desc ? '<' : '>'} (${param(page.cursor.value)}::${cast}, ${param(page.cursor.id)}::uuid)`;
      }
      if (desc) {
        order = 'sort_key DESC, id DESC';
        outerOrder = 'p.sort_key DESC, p.id DESC';
      }
      limit = `LIMIT ${param(page.limit + 1)} OFFSET ${param(page.offset)}`;
    }
    const matching = filters.length > 0 ? `WHERE ${filters.join(' AND ')}` : '';
    const pageWhere = [...filters, ...(after ? [after] : [])];
    const raw = await queryRows<StatusPageRawRow>(
      this.dataSource,
      `WITH v AS (
         SELECT * FROM unnest($2::float8[], $3::float8[], $4::text[], $5::boolean[]) WITH ORDINALITY
                AS v(prev_ms, next_ms, description, failed, view)
       ), g AS (
         SELECT * FROM unnest($6::text[], $7::float8[], $8::int[]) AS g(schedule_json, since_ms, view)
       ), base AS (
         SELECT p.id, p.name, p.paused, (p.ir -> 'schedule')::text AS schedule_json, s.schedule_error,
                s.last_run_status, ${epochMs('s.schedule_since')} AS since_ms, ${epochMs('s.last_run_at')} AS last_run_ms
           FROM pipelines p
           JOIN pipeline_state s ON s.pipeline_id = p.id
          WHERE p.tenant_id = $1 AND p.schedule_kind IS NOT NULL
       ), viewed AS (
         SELECT b.*, coalesce(gi.view, gd.view)::int AS view, v.prev_ms, v.next_ms,
                coalesce(v.description, 'invalid schedule') AS description, coalesce(v.failed, true) AS failed,
                CASE WHEN NOT v.failed AND v.prev_ms > b.since_ms THEN v.prev_ms END AS expected_ms
           FROM base b
           LEFT JOIN g gi ON gi.since_ms IS NULL AND gi.schedule_json = b.schedule_json
           LEFT JOIN g gd ON gd.since_ms IS NOT NULL AND gd.schedule_json = b.schedule_json AND gd.since_ms = b.since_ms
           LEFT JOIN v ON v.view = coalesce(gi.view, gd.view)
       ), lagged AS (
         SELECT x.*,
                CASE WHEN x.paused OR x.expected_ms IS NULL THEN NULL
                     ELSE floor(greatest(0, CASE WHEN x.last_run_ms >= x.expected_ms THEN x.last_run_ms ELSE $9 END
                                            - x.expected_ms) / 60000)
                END AS lag_minutes
           FROM viewed x
       ), rows AS (
         SELECT l.*,
                CASE WHEN l.lag_minutes IS NULL THEN 'none' WHEN l.lag_minutes < $10 THEN 'green' ELSE 'amber' END
                  AS lag_level,
                (l.failed OR l.schedule_error IS NOT NULL) AS has_error
           FROM lagged l
       ), counts AS (
         SELECT count(*) FILTER (WHERE lag_level = 'green')::int AS on_time,
                count(*) FILTER (WHERE lag_level = 'amber')::int AS late,
                count(*) FILTER (WHERE paused)::int AS paused,
                count(*) FILTER (WHERE has_error)::int AS errors,
                count(*)::int AS total,
                (SELECT count(*) FROM rows ${matching})::int AS matching
           FROM rows
       ), page AS (
         SELECT *, ${sortKey} AS sort_key
           FROM rows
          ${pageWhere.length > 0 ? `WHERE ${pageWhere.join(' AND ')}` : ''}
          ORDER BY ${order}
          ${limit}
       )
       SELECT c.on_time, c.late, c.paused AS paused_count, c.errors, c.total, c.matching,
              p.id, p.name, p.paused, p.schedule_json, p.schedule_error, p.last_run_status, p.last_run_ms,
              p.since_ms, p.view, p.expected_ms, p.lag_minutes, p.lag_level, p.sort_key
         FROM counts c
         LEFT JOIN page p ON true
        ORDER BY ${outerOrder}`,
      params,
    );
    const first = raw[0];
    return {
      counts: {
        onTime: first.on_time,
        late: first.late,
        paused: first.paused_count,
        errors: first.errors,
        total: first.total,
        matching: first.matching,
      },
      rows: raw
        .filter((row) => row.id !== null)
        .map((row) => row as StatusPageRow),
    };
  }
}

/** The engine's evaluation of one distinct fire sequence, at the request's clock. */
export interface StatusView {
  /** Latest fire at or before now (epoch ms), or null. */
  previousMs: number | null;
  /** First fire after now, or null (none, or the schedule failed). */
  nextMs: number | null;
  description: string;
  failed: boolean;
}

export interface StatusPageInput {
  views: StatusView[];
  /**
   * Which view (1-based index into `views`) each schedule text maps to; `sinceMs` null when the schedule does not
   * depend on when it began, else one entry per start instant.
   */
  scheduleViews: {
    scheduleJson: string;
    sinceMs: number | null;
    view: number;
  }[];
  nowMs: number;
  lagThresholdMinutes: number;
  /** Absent: every row, in name order. */
  page?: {
    limit: number;
    offset: number;
    sort: SchedulerStatusSort;
    order: 'asc' | 'desc';
    filters: StatusFilters;
    cursor: StatusCursor | null;
  };
}

export interface StatusCountsRow {
  onTime: number;
  late: number;
  paused: number;
  errors: number;
  total: number;
  /** Rows that pass the filters. */
  matching: number;
}

export interface StatusPageRow {
  id: string;
  name: string;
  paused: boolean;
  schedule_json: string;
  schedule_error: string | null;
  last_run_status: RunStatus | null;
  last_run_ms: number | null;
  since_ms: number | null;
  /** 1-based index into the input's views; null when the schedule was not among them (created meanwhile). */
  view: number | null;
  expected_ms: number | null;
  lag_minutes: number | null;
  lag_level: LagLevel;
  /** The row's value of the sort key (text, or a number with ±Infinity for nulls): the next page's cursor. */
  sort_key: string | number;
}

interface StatusPageRawRow extends Omit<StatusPageRow, 'id'> {
  id: string | null;
  on_time: number;
  late: number;
  paused_count: number;
  errors: number;
  total: number;
  matching: number;
}

/** The ORDER BY value of a sort: never null (nulls become ±Infinity so they come last in either direction). */
function sortKeySql(sort: SchedulerStatusSort, desc: boolean): string {
  const missing = desc ? `'-Infinity'::float8` : `'Infinity'::float8`;
  switch (sort) {
    case 'name':
      return 'name';
    case 'schedule':
      return 'description';
    case 'lastRun':
      return `coalesce(last_run_ms, ${missing})`;
    case 'lag':
      return `coalesce(lag_minutes::float8, ${missing})`;
    case 'nextFire':
      return `coalesce(next_ms, ${missing})`;
  }
}

/** A status row as the query returns it: timestamps as epoch milliseconds. */
interface StatusRowMs {
  id: string;
  name: string;
  schedule_json: string;
  paused: boolean;
  schedule_since_ms: number | null;
  schedule_error: string | null;
  last_run_at_ms: number | null;
  last_run_status: RunStatus | null;
  now_ms: number;
  last_tick_at_ms: number | null;
}

/** `column` (timestamptz) as epoch milliseconds, float8, exact to the millisecond; null stays null. */
function epochMs(column: string): string {
  return `floor(extract(epoch from ${column}) * 1000)::float8`;
}

function toDate(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}
