import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dead letters of every kind and their lifecycle (DESIGN §14): `kind` (a failed validate rule, a row the target
 * rejected, a file line that does not parse), the source row's `row_key`, `status` open → replayed by a replay run,
 * the replays that failed again (`attempts`), and a file line's place. Existing letters are validate letters, open.
 * Runs gain the `replay` trigger and the letters a replay was asked for (NULL: every open one).
 */
export class DeadLetterLifecycle1796160000000 implements MigrationInterface {
  name = 'DeadLetterLifecycle1796160000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE dead_letters
        ADD COLUMN kind text NOT NULL DEFAULT 'validate'
            CONSTRAINT dead_letters_kind_check CHECK (kind IN ('validate', 'write', 'parse')),
        ADD COLUMN row_key jsonb,
        ADD COLUMN status text NOT NULL DEFAULT 'open'
            CONSTRAINT dead_letters_status_check CHECK (status IN ('open', 'replayed')),
        ADD COLUMN attempts integer NOT NULL DEFAULT 0,
        ADD COLUMN replayed_by_run_id uuid REFERENCES pipeline_runs (id) ON DELETE SET NULL,
        ADD COLUMN file text,
        ADD COLUMN line bigint`);
    // The dead-letter list (newest first, keyset) and its per-status counts; a replay's pick of the open letters.
    await queryRunner.query(
      `CREATE INDEX dead_letters_pipeline_idx ON dead_letters (pipeline_id, created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX dead_letters_open_idx ON dead_letters (pipeline_id, created_at, id) WHERE status = 'open'`,
    );
    await queryRunner.query(`
      ALTER TABLE pipeline_runs
        DROP CONSTRAINT pipeline_runs_trigger_check,
        ADD CONSTRAINT pipeline_runs_trigger_check CHECK (trigger IN ('schedule', 'manual', 'replay')),
        ADD COLUMN replay_dead_letter_ids uuid[]`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DELETE FROM pipeline_runs WHERE trigger = 'replay'`,
    );
    await queryRunner.query(`
      ALTER TABLE pipeline_runs
        DROP COLUMN replay_dead_letter_ids,
        DROP CONSTRAINT pipeline_runs_trigger_check,
        ADD CONSTRAINT pipeline_runs_trigger_check CHECK (trigger IN ('schedule', 'manual'))`);
    await queryRunner.query(`DROP INDEX dead_letters_open_idx`);
    await queryRunner.query(`DROP INDEX dead_letters_pipeline_idx`);
    await queryRunner.query(`
      ALTER TABLE dead_letters
        DROP COLUMN line, DROP COLUMN file, DROP COLUMN replayed_by_run_id, DROP COLUMN attempts,
        DROP COLUMN status, DROP COLUMN row_key, DROP COLUMN kind`);
  }
}
