import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Files that arrived in the landing zone (DESIGN §15): one row per (pipeline, path, size, sha256) — the identity
 * that makes the source watcher dispatch one run per file, also across restarts and two watchers — and the run it
 * dispatched, inserted in the same transaction. Runs gain the `file` trigger.
 */
export class FileArrivals1796217000000 implements MigrationInterface {
  name = 'FileArrivals1796217000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE file_arrivals (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        pipeline_id uuid NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
        node_id     text NOT NULL,
        path        text NOT NULL,
        size        bigint NOT NULL,
        sha256      text NOT NULL,
        run_id      uuid REFERENCES pipeline_runs (id) ON DELETE SET NULL,
        arrived_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT file_arrivals_identity UNIQUE (pipeline_id, path, size, sha256)
      )`);
    await queryRunner.query(
      `CREATE INDEX file_arrivals_run_idx ON file_arrivals (run_id)`,
    );
    // The last arrival of a pipeline (status page, deadline checks).
    await queryRunner.query(
      `CREATE INDEX file_arrivals_pipeline_idx ON file_arrivals (pipeline_id, arrived_at DESC)`,
    );
    await queryRunner.query(`
      ALTER TABLE pipeline_runs
        DROP CONSTRAINT pipeline_runs_trigger_check,
        ADD CONSTRAINT pipeline_runs_trigger_check CHECK (trigger IN ('schedule', 'manual', 'replay', 'file'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM pipeline_runs WHERE trigger = 'file'`);
    await queryRunner.query(`
      ALTER TABLE pipeline_runs
        DROP CONSTRAINT pipeline_runs_trigger_check,
        ADD CONSTRAINT pipeline_runs_trigger_check CHECK (trigger IN ('schedule', 'manual', 'replay'))`);
    await queryRunner.query(`DROP TABLE file_arrivals`);
  }
}
