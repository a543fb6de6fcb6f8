import { Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';

import { queryRows } from '@flow/api/db';
import type { RunStatus } from '@flow/contracts';

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
