import type { MigrationInterface, QueryRunner } from 'typeorm';

import type { Schedule } from '@flow/contracts';
import { getCompiledSchedule } from '@flow/schedule';

const BACKFILL_BATCH = 5_000;

/**
 * Moves a pipeline's fast-changing state out of the wide `pipelines` row into a narrow `pipeline_state` row (one
 * per pipeline): the schedule's bookkeeping (`schedule_since`, `next_fire_at`, the new `previous_fire_at`,
 * `schedule_error`) and the latest run (`last_run_at`, `last_run_status`). The tick rewrites the first group for
 * every pipeline it dispatches and the worker the second for every run; on `pipelines` each of those writes copied
 * the IR and touched four indexes, on `pipeline_state` it copies ~100 bytes and touches two (docs/performance.md).
 * `pipelines` keeps what people edit (name, IR, paused, the schedule's kind).
 */
export class PipelineState1764892800000 implements MigrationInterface {
  name = 'PipelineState1764892800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // fillfactor 80: room on each page for the worker's last-run updates to stay HOT (no index touches them).
    await queryRunner.query(`
      CREATE TABLE pipeline_state (
        pipeline_id      uuid PRIMARY KEY REFERENCES pipelines (id) ON DELETE CASCADE,
        tenant_id        uuid NOT NULL,
        schedule_since   timestamptz,
        next_fire_at     timestamptz,
        previous_fire_at timestamptz,
        schedule_error   text,
        last_run_at      timestamptz,
        last_run_status  text CHECK (last_run_status IN ('queued', 'running', 'succeeded', 'failed', 'skipped')),
        changed_at       timestamptz NOT NULL DEFAULT now()
      ) WITH (fillfactor = 80)`);
    await queryRunner.query(`
      INSERT INTO pipeline_state (pipeline_id, tenant_id, schedule_since, next_fire_at, schedule_error, last_run_at, last_run_status)
      SELECT id, tenant_id, schedule_since, next_fire_at, schedule_error, last_run_at, last_run_status FROM pipelines`);
    await backfillPreviousFire(queryRunner);
    await queryRunner.query(`DROP INDEX pipelines_due_idx`);
    await queryRunner.query(`
      ALTER TABLE pipelines
        DROP COLUMN schedule_since, DROP COLUMN next_fire_at, DROP COLUMN schedule_error,
        DROP COLUMN last_run_at, DROP COLUMN last_run_status`);
    // The tick's only lookup: pipelines with a pending fire, in fire order (paused ones have none).
    await queryRunner.query(
      `CREATE INDEX pipeline_state_due_idx ON pipeline_state (next_fire_at, pipeline_id) WHERE next_fire_at IS NOT NULL`,
    );
    // Every pipeline has exactly one state row, whoever inserts it (the api, seeds, a test): a statement-level
    // trigger adds the missing ones; an insert that writes its state row itself (in the same statement) wins.
    await queryRunner.query(`
      CREATE FUNCTION pipeline_state_for_new_pipelines() RETURNS trigger LANGUAGE plpgsql
      SET search_path FROM CURRENT AS $$
      BEGIN
        INSERT INTO pipeline_state (pipeline_id, tenant_id)
        SELECT id, tenant_id FROM new_pipelines
        ON CONFLICT (pipeline_id) DO NOTHING;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER pipelines_state_row AFTER INSERT ON pipelines
      REFERENCING NEW TABLE AS new_pipelines FOR EACH STATEMENT
      EXECUTE FUNCTION pipeline_state_for_new_pipelines()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER pipelines_state_row ON pipelines`);
    await queryRunner.query(`DROP FUNCTION pipeline_state_for_new_pipelines()`);
    await queryRunner.query(`
      ALTER TABLE pipelines
        ADD COLUMN schedule_since timestamptz, ADD COLUMN next_fire_at timestamptz, ADD COLUMN schedule_error text,
        ADD COLUMN last_run_at timestamptz,
        ADD COLUMN last_run_status text CHECK (last_run_status IN ('queued', 'running', 'succeeded', 'failed', 'skipped'))`);
    await queryRunner.query(`
      UPDATE pipelines p
         SET schedule_since = s.schedule_since, next_fire_at = s.next_fire_at, schedule_error = s.schedule_error,
             last_run_at = s.last_run_at, last_run_status = s.last_run_status
        FROM pipeline_state s WHERE s.pipeline_id = p.id`);
    await queryRunner.query(
      `CREATE INDEX pipelines_due_idx ON pipelines (next_fire_at) WHERE NOT paused AND next_fire_at IS NOT NULL`,
    );
    await queryRunner.query(`DROP TABLE pipeline_state`);
  }
}

/**
 * `previous_fire_at` is new: the schedule's fire just before `next_fire_at` (null when that is not after
 * `schedule_since`). It is computed with the schedule engine — SQL cannot — in batches, each distinct
 * (schedule, zone, anchor, next fire) once. A schedule the engine rejects keeps null (the tick reports it).
 */
async function backfillPreviousFire(queryRunner: QueryRunner): Promise<void> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows: {
      id: string;
      schedule_json: string;
      timezone: string;
      since_ms: number;
      next_ms: number;
    }[] = await queryRunner.query(
      `SELECT s.pipeline_id AS id, (p.ir -> 'schedule')::text AS schedule_json, t.timezone,
              floor(extract(epoch FROM s.schedule_since) * 1000)::float8 AS since_ms,
              floor(extract(epoch FROM s.next_fire_at) * 1000)::float8 AS next_ms
         FROM pipeline_state s
         JOIN pipelines p ON p.id = s.pipeline_id
         JOIN tenants t ON t.id = p.tenant_id
        WHERE s.next_fire_at IS NOT NULL AND s.schedule_since IS NOT NULL AND s.pipeline_id > $1
        ORDER BY s.pipeline_id
        LIMIT $2`,
      [after, BACKFILL_BATCH],
    );
    if (rows.length === 0) return;
    after = rows[rows.length - 1].id;
    const known = new Map<string, number | null>();
    const ids: string[] = [];
    const previous: (Date | null)[] = [];
    for (const row of rows) {
      const key = `${row.schedule_json}|${row.timezone}|${row.since_ms}|${row.next_ms}`;
      let fire = known.get(key);
      if (fire === undefined) {
        fire = previousFireBefore(row);
        known.set(key, fire);
      }
      if (fire === null) continue;
      ids.push(row.id);
      previous.push(new Date(fire));
    }
    if (ids.length > 0)
      await queryRunner.query(
        `UPDATE pipeline_state s SET previous_fire_at = b.previous
           FROM unnest($1::uuid[], $2::timestamptz[]) AS b(id, previous)
          WHERE s.pipeline_id = b.id`,
        [ids, previous],
      );
    if (rows.length < BACKFILL_BATCH) return;
  }
}

function previousFireBefore(row: {
  schedule_json: string;
  timezone: string;
  since_ms: number;
  next_ms: number;
}): number | null {
  try {
    const schedule = JSON.parse(row.schedule_json) as Schedule;
    const fire = getCompiledSchedule(schedule, {
      timezone: row.timezone,
      anchor: new Date(row.since_ms),
    }).previousFireTime(new Date(row.next_ms - 1));
    return fire !== null && fire.getTime() > row.since_ms
      ? fire.getTime()
      : null;
  } catch {
    return null;
  }
}
