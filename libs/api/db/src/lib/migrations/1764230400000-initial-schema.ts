import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The control-plane tables (DESIGN §3). Tenant data lives in per-tenant schemas created with each tenant. */
export class InitialSchema1764230400000 implements MigrationInterface {
  name = 'InitialSchema1764230400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tenants (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug       text NOT NULL CONSTRAINT tenants_slug_key UNIQUE
                        CONSTRAINT tenants_slug_format CHECK (slug ~ '^[a-z][a-z0-9-]{1,39}$'),
        name       text NOT NULL,
        timezone   text NOT NULL DEFAULT 'UTC',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE pipelines (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        name            text NOT NULL,
        ir              jsonb NOT NULL,
        schedule_kind   text CHECK (schedule_kind IN ('cron', 'interval', 'rrule')),
        schedule_since  timestamptz,
        paused          boolean NOT NULL DEFAULT false,
        next_fire_at    timestamptz,
        schedule_error  text,
        last_run_at     timestamptz,
        last_run_status text CHECK (last_run_status IN ('queued', 'running', 'succeeded', 'failed', 'skipped')),
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pipelines_tenant_name_key UNIQUE (tenant_id, name)
      )`);
    // The tick's only lookup: due, unpaused pipelines in fire order.
    await queryRunner.query(
      `CREATE INDEX pipelines_due_idx ON pipelines (next_fire_at) WHERE NOT paused AND next_fire_at IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX pipelines_tenant_scheduled_idx ON pipelines (tenant_id) WHERE schedule_kind IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE scheduler_ticks (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        started_at        timestamptz NOT NULL,
        finished_at       timestamptz,
        caller            text NOT NULL,
        outcome           text NOT NULL CHECK (outcome IN ('dispatched', 'skipped', 'failed')),
        due               integer NOT NULL DEFAULT 0,
        dispatched        integer NOT NULL DEFAULT 0,
        coalesced         integer NOT NULL DEFAULT 0,
        skipped_by_policy integer NOT NULL DEFAULT 0,
        failed            integer NOT NULL DEFAULT 0,
        duration_ms       integer,
        error             text,
        failures          jsonb
      )`);
    await queryRunner.query(
      `CREATE INDEX scheduler_ticks_started_idx ON scheduler_ticks (started_at DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE pipeline_runs (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        pipeline_id   uuid NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
        trigger       text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
        scheduled_for timestamptz,
        status        text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'skipped')),
        attempt       integer NOT NULL DEFAULT 0,
        queued_at     timestamptz NOT NULL DEFAULT now(),
        available_at  timestamptz NOT NULL DEFAULT now(),
        started_at    timestamptz,
        finished_at   timestamptz,
        heartbeat_at  timestamptz,
        worker_id     text,
        rows_read     bigint,
        rows_written  bigint,
        rows_rejected bigint,
        error         text,
        node_metrics  jsonb,
        tick_id       uuid REFERENCES scheduler_ticks (id) ON DELETE SET NULL,
        -- A scheduled fire's identity: a retried tick can never dispatch the same fire twice.
        -- Manual runs have no scheduled_for, and NULLs never conflict.
        CONSTRAINT pipeline_runs_fire_key UNIQUE (pipeline_id, scheduled_for),
        CONSTRAINT pipeline_runs_schedule_has_fire CHECK (trigger <> 'schedule' OR scheduled_for IS NOT NULL)
      )`);
    await queryRunner.query(
      `CREATE INDEX pipeline_runs_history_idx ON pipeline_runs (pipeline_id, queued_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX pipeline_runs_claim_idx ON pipeline_runs (available_at) WHERE status = 'queued'`,
    );
    await queryRunner.query(
      `CREATE INDEX pipeline_runs_active_idx ON pipeline_runs (pipeline_id) WHERE status IN ('queued', 'running')`,
    );
    await queryRunner.query(
      `CREATE INDEX pipeline_runs_heartbeat_idx ON pipeline_runs (heartbeat_at) WHERE status = 'running'`,
    );
    await queryRunner.query(`
      CREATE TABLE dead_letters (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        pipeline_id uuid NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
        run_id      uuid NOT NULL REFERENCES pipeline_runs (id) ON DELETE CASCADE,
        node_id     text NOT NULL,
        row         jsonb NOT NULL,
        reason      text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX dead_letters_run_idx ON dead_letters (run_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'dead_letters',
      'pipeline_runs',
      'scheduler_ticks',
      'pipelines',
      'tenants',
    ]) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
